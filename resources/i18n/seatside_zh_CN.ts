<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>BannedHighlighter</name>
    <message>
        <source>Banned phrase “%s”: %s Say instead: %s</source>
        <translation>服务禁语“%s”：%s建议改说：%s</translation>
    </message>
</context>
<context>
    <name>CallBar</name>
    <message>
        <source>End call</source>
        <translation>结束通话</translation>
    </message>
    <message>
        <source>Start call</source>
        <translation>开始通话</translation>
    </message>
    <message>
        <source>No call</source>
        <translation>未在通话</translation>
    </message>
    <message>
        <source>Follow-ups: %d</source>
        <translation>跟进 %d</translation>
    </message>
    <message>
        <source>(%d due)</source>
        <translation>（%d 项到期）</translation>
    </message>
</context>
<context>
    <name>CallModel</name>
    <message>
        <source>start the call record</source>
        <translation>新建通话记录</translation>
    </message>
    <message>
        <source>Unknown scenario: %s</source>
        <translation>未知场景：%s</translation>
    </message>
    <message>
        <source>store the scenario</source>
        <translation>保存场景</translation>
    </message>
    <message>
        <source>Start a call to tick steps</source>
        <translation>请先开始通话再勾选步骤</translation>
    </message>
    <message>
        <source>Choose a scenario to tick its steps</source>
        <translation>请先选择场景，再勾选步骤</translation>
    </message>
    <message>
        <source>tick the step</source>
        <translation>勾选步骤</translation>
    </message>
    <message>
        <source>untick the step</source>
        <translation>取消勾选步骤</translation>
    </message>
    <message>
        <source>count the banned phrases</source>
        <translation>统计禁语次数</translation>
    </message>
    <message>
        <source>store the caller&apos;s reference</source>
        <translation>保存来电人编号</translation>
    </message>
    <message>
        <source>read the caller&apos;s history</source>
        <translation>读取来电人的历史记录</translation>
    </message>
    <message>
        <source>save the notes</source>
        <translation>保存备注</translation>
    </message>
    <message>
        <source>close the call record</source>
        <translation>结束通话记录</translation>
    </message>
    <message>
        <source>look for an interrupted call</source>
        <translation>查找中断的通话</translation>
    </message>
    <message>
        <source>The call that was in progress has been restored</source>
        <translation>已恢复上次未结束的通话</translation>
    </message>
</context>
<context>
    <name>ChecklistView</name>
    <message>
        <source>⚑ marks a fact the business has not confirmed yet: say it with care.</source>
        <translation>⚑ 表示这条要点业务部门尚未确认，对客户说的时候请谨慎。</translation>
    </message>
    <message>
        <source>to confirm</source>
        <translation>待确认</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>步骤</translation>
    </message>
    <message>
        <source>Choose a scenario above</source>
        <translation>请在上方选择场景</translation>
    </message>
    <message>
        <source>[required]</source>
        <translation>【必做】</translation>
    </message>
    <message>
        <source>All steps done. End the call when ready.</source>
        <translation>步骤已全部完成，可以结束通话。</translation>
    </message>
    <message>
        <source>· ticked by speech</source>
        <translation>· 按通话语音勾选</translation>
    </message>
</context>
<context>
    <name>EndCallDialog</name>
    <message>
        <source>End call</source>
        <translation>结束通话</translation>
    </message>
    <message>
        <source>Why were they not done? (required to end anyway)</source>
        <translation>未完成的原因（直接结束时必填）</translation>
    </message>
    <message>
        <source>Required steps not ticked — tick them now, or say why:</source>
        <translation>以下必做步骤尚未勾选——现在勾选，或说明原因：</translation>
    </message>
    <message>
        <source>Hand on to the next contact (the ticked ones are kept as follow-ups):</source>
        <translation>需交接给下一环节（勾选的记为跟进事项）：</translation>
    </message>
    <message>
        <source>Promised a callback at</source>
        <translation>已约定回电时间</translation>
    </message>
    <message>
        <source>After-call work: %02d:%02d</source>
        <translation>话后整理：%02d:%02d</translation>
    </message>
    <message>
        <source>How did the call end?</source>
        <translation>本次通话的处置结果：</translation>
    </message>
</context>
<context>
    <name>ExportProgress</name>
    <message>
        <source>Exporting…</source>
        <translation>正在导出…</translation>
    </message>
</context>
<context>
    <name>FeedDot</name>
    <message>
        <source>Live feed on</source>
        <translation>实时事件已连接</translation>
    </message>
    <message>
        <source>Live feed quiet</source>
        <translation>实时事件暂无消息</translation>
    </message>
    <message>
        <source>Live feed off</source>
        <translation>实时事件未开启</translation>
    </message>
    <message>
        <source>Phone system: %s · Speech: %s</source>
        <translation>话务系统：%s · 语音转写：%s</translation>
    </message>
    <message>
        <source>CTI %s · ASR %s</source>
        <translation>话务 %s · 语音 %s</translation>
    </message>
    <message>
        <source>nothing yet</source>
        <translation>尚无消息</translation>
    </message>
    <message>
        <source>%d s ago</source>
        <translation>%d 秒前</translation>
    </message>
    <message>
        <source>%d min ago</source>
        <translation>%d 分钟前</translation>
    </message>
    <message>
        <source>over an hour ago</source>
        <translation>一小时以前</translation>
    </message>
    <message>
        <source>%ds</source>
        <translation>%d秒</translation>
    </message>
    <message>
        <source>%dmin</source>
        <translation>%d分</translation>
    </message>
    <message>
        <source>&gt;1h</source>
        <translation>超过1小时</translation>
    </message>
</context>
<context>
    <name>FollowUpsModel</name>
    <message>
        <source>read the follow-ups</source>
        <translation>读取待跟进事项</translation>
    </message>
    <message>
        <source>mark the follow-up done</source>
        <translation>标记跟进已完成</translation>
    </message>
    <message>
        <source>search the notes</source>
        <translation>搜索备注</translation>
    </message>
</context>
<context>
    <name>HelpBox</name>
    <message>
        <source>Raise hand</source>
        <translation>举手</translation>
    </message>
    <message>
        <source>Ask the team lead for help (Ctrl+Alt+H)</source>
        <translation>向组长求助（Ctrl+Alt+H）</translation>
    </message>
    <message>
        <source>Insert</source>
        <translation>插入</translation>
    </message>
    <message>
        <source>Insert the lead&apos;s reply into the focused program (Ctrl+Alt+J)</source>
        <translation>把组长的回复插入当前程序（Ctrl+Alt+J）</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>知道了</translation>
    </message>
    <message>
        <source>Hand raised: waiting for the lead…</source>
        <translation>已举手，等组长回复…</translation>
    </message>
    <message>
        <source>The lead is coming over</source>
        <translation>组长马上过来</translation>
    </message>
    <message>
        <source>Lead: %s</source>
        <translation>组长：%s</translation>
    </message>
</context>
<context>
    <name>HubSync</name>
    <message>
        <source>Your hand is already raised; the lead has been told</source>
        <extracomment>The lead answered the seat&apos;s raised hand: status (&quot;answered&quot; or &quot;coming&quot;) and the reply text.</extracomment>
        <translation>已经举手了，组长已收到</translation>
    </message>
    <message>
        <source>Could not ask the lead for help: %s</source>
        <translation>没能向组长求助：%s</translation>
    </message>
    <message>
        <source>Hand raised: the lead has been told</source>
        <translation>已举手：组长已收到</translation>
    </message>
    <message>
        <source>Hub: %s</source>
        <translation>中心服务：%s</translation>
    </message>
    <message>
        <source>The hub refused a call record: %s</source>
        <translation>中心服务拒收了一条通话记录：%s</translation>
    </message>
    <message>
        <source>New packs from the hub were refused: %s</source>
        <translation>中心下发的新话术包未通过校验，已保留原版本：%s</translation>
    </message>
</context>
<context>
    <name>InsertionController</name>
    <message>
        <source>%s runs as administrator: Windows does not let Seatside send keys to it. Paste the phrase yourself with Ctrl+V, or ask IT to run both the same way.</source>
        <translation>%s 以管理员身份运行：Windows 不允许坐席助手向它发送按键。请自己按 Ctrl+V 粘贴话术，或请 IT 让两者以相同权限运行。</translation>
    </message>
    <message>
        <source>The program</source>
        <translation>该程序</translation>
    </message>
    <message>
        <source>The clipboard is held by %s; try again in a moment</source>
        <translation>剪贴板正被 %s 占用，请稍后再试</translation>
    </message>
    <message>
        <source>another program</source>
        <translation>另一个程序</translation>
    </message>
    <message>
        <source>No phrase %d for this step</source>
        <translation>当前步骤没有第 %d 条话术</translation>
    </message>
    <message>
        <source>Line breaks are not typed into this program; the phrase is on the clipboard</source>
        <translation>此程序不接受输入换行，话术已复制到剪贴板</translation>
    </message>
    <message>
        <source>Could not paste (%s); the phrase is on the clipboard</source>
        <translation>无法粘贴（%s），话术已复制到剪贴板</translation>
    </message>
    <message>
        <source>Could not type (%s); the phrase is on the clipboard</source>
        <translation>无法输入（%s），话术已复制到剪贴板</translation>
    </message>
</context>
<context>
    <name>LiveBar</name>
    <message>
        <source>You said “%s”. Softer: %s</source>
        <translation>刚才说了“%s”，换个说法：%s</translation>
    </message>
    <message>
        <source>You said “%s”, a banned phrase</source>
        <translation>刚才说了服务禁语“%s”</translation>
    </message>
    <message>
        <source>(%d on this call)</source>
        <translation>（本通已%d次）</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>You</source>
        <translation>我</translation>
    </message>
    <message>
        <source>Incoming call, number ending %s</source>
        <translation>来电，尾号%s</translation>
    </message>
    <message>
        <source>Incoming call</source>
        <translation>来电</translation>
    </message>
</context>
<context>
    <name>LiveModel</name>
    <message>
        <source>The next call is connected: it starts when this wrap-up ends</source>
        <translation>下一通来电已接通：本次话后处理结束后开始</translation>
    </message>
    <message>
        <source>A call is already in progress; the answered call was not started</source>
        <translation>当前已有通话在进行，新接起的来电没有另开记录</translation>
    </message>
    <message>
        <source>keep the transcript</source>
        <translation>保存通话转写</translation>
    </message>
</context>
<context>
    <name>NotesView</name>
    <message>
        <source>e.g. 王先生</source>
        <translation>如：王先生</translation>
    </message>
    <message>
        <source>Customer&apos;s form of address</source>
        <translation>客户称呼</translation>
    </message>
    <message>
        <source>phone or card tail, CRM id</source>
        <translation>手机/卡号尾号或CRM编号</translation>
    </message>
    <message>
        <source>Customer reference</source>
        <translation>客户标识</translation>
    </message>
    <message>
        <source>Earlier calls of this customer</source>
        <translation>该客户的历史来电</translation>
    </message>
    <message>
        <source>Caller history is off: no OS key store, and no customer id from the CRM for this call (the last digits alone could show someone else&apos;s calls)</source>
        <translation>来电历史已关闭：本机没有系统密钥库，本通来电也没有 CRM 客户号（只按尾号匹配可能显示其他客户的记录）</translation>
    </message>
    <message>
        <source>Notes for this call (saved automatically; numbers are masked)</source>
        <translation>通话备注（自动保存，卡号/证件号/手机号自动脱敏）</translation>
    </message>
    <message>
        <source>Customer ref.</source>
        <translation>客户标识</translation>
    </message>
    <message>
        <source>in progress</source>
        <translation>通话中</translation>
    </message>
    <message>
        <source>open: %s</source>
        <translation>未完成：%s</translation>
    </message>
    <message>
        <source>Call notes</source>
        <translation>通话备注</translation>
    </message>
    <message>
        <source>&amp;Notes</source>
        <translation>备注(&amp;N)</translation>
    </message>
    <message>
        <source>Address as</source>
        <translation>客户称呼</translation>
    </message>
</context>
<context>
    <name>Notices</name>
    <message>
        <source>Dismiss</source>
        <translation>知道了</translation>
    </message>
    <message>
        <source>%d scenario file(s) skipped: %s</source>
        <translation>已跳过 %d 个有问题的场景文件：%s</translation>
    </message>
    <message>
        <source>… and %d more</source>
        <translation>……另有 %d 项</translation>
    </message>
    <message>
        <source>Scenario packs were updated:</source>
        <translation>场景包已更新：</translation>
    </message>
    <message>
        <source>Hotkeys: starting…</source>
        <translation>快捷键：启动中…</translation>
    </message>
    <message>
        <source>Global hotkeys are off (%s); the panel&apos;s own keys still work.</source>
        <translation>全局快捷键不可用（%s），面板内快捷键仍可使用。</translation>
    </message>
    <message>
        <source>Hotkeys via %s. Not registered: %s</source>
        <translation>快捷键方式：%s。未能注册：%s</translation>
    </message>
    <message>
        <source>Hotkeys via %s</source>
        <translation>快捷键方式：%s</translation>
    </message>
    <message>
        <source>Hotkeys: %s</source>
        <translation>快捷键：%s</translation>
    </message>
</context>
<context>
    <name>PackWatcher</name>
    <message>
        <source>reload the scenario packs</source>
        <translation>重新加载场景包</translation>
    </message>
    <message>
        <source>The scenario packs could not be reloaded: %s</source>
        <translation>场景包没能重新加载：%s，继续使用上一版</translation>
    </message>
    <message>
        <source>compare pack versions</source>
        <translation>比对场景包版本</translation>
    </message>
</context>
<context>
    <name>PanelMenu</name>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>Export shift (CSV, Excel, Markdown)…</source>
        <translation>导出本班次（CSV/Excel/Markdown）…</translation>
    </message>
    <message>
        <source>Import a phrase library (Excel/CSV)…</source>
        <translation>导入话术库（Excel/CSV）…</translation>
    </message>
    <message>
        <source>Follow-ups and call history…</source>
        <translation>跟进事项与历史记录…</translation>
    </message>
    <message>
        <source>Scenario pack problems…</source>
        <translation>场景包问题…</translation>
    </message>
    <message>
        <source>Staff number…</source>
        <translation>设置工号…</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>设置…</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>About Seatside…</source>
        <translation>关于坐席助手…</translation>
    </message>
    <message>
        <source>Seatside %s</source>
        <translation>坐席助手 %s</translation>
    </message>
    <message>
        <source>About Seatside</source>
        <translation>关于坐席助手</translation>
    </message>
    <message>
        <source>Excel (*.xlsx)</source>
        <translation>Excel 文件 (*.xlsx)</translation>
    </message>
    <message>
        <source>CSV (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <source>Markdown (*.md)</source>
        <translation>Markdown 文件 (*.md)</translation>
    </message>
    <message>
        <source>Export shift</source>
        <translation>导出本班次</translation>
    </message>
    <message>
        <source>Import a phrase library</source>
        <translation>导入话术库</translation>
    </message>
    <message>
        <source>Spreadsheets (*.xlsx *.xlsm *.csv *.tsv *.txt)</source>
        <translation>表格文件 (*.xlsx *.xlsm *.csv *.tsv *.txt)</translation>
    </message>
    <message>
        <source>No problems found.</source>
        <translation>未发现问题。</translation>
    </message>
    <message>
        <source>The new scenarios appear in the list in a moment.</source>
        <translation>新场景稍后会出现在列表中。</translation>
    </message>
    <message>
        <source>Nothing was written. Import the valid rows and skip the others?</source>
        <translation>未写入任何内容。是否仅导入有效的行、跳过其余行？</translation>
    </message>
    <message>
        <source>Staff number</source>
        <translation>坐席工号</translation>
    </message>
    <message>
        <source>Your staff number, filled into {坐席工号}:</source>
        <translation>您的工号（用于话术中的 {坐席工号}）：</translation>
    </message>
    <message>
        <source>All scenario packs loaded without problems.</source>
        <translation>所有场景包均已正常加载。</translation>
    </message>
    <message>
        <source>Scenario pack problems</source>
        <translation>场景包问题</translation>
    </message>
</context>
<context>
    <name>PanelWindow</name>
    <message>
        <source>Seatside</source>
        <translation>坐席助手</translation>
    </message>
    <message>
        <source>Copied: %s</source>
        <translation>已复制：%s</translation>
    </message>
    <message>
        <source>Exported %d calls to %s</source>
        <translation>已导出 %d 通电话到 %s</translation>
    </message>
    <message>
        <source>Copied</source>
        <translation>已复制</translation>
    </message>
    <message>
        <source>Pasted</source>
        <translation>已粘贴</translation>
    </message>
    <message>
        <source>Typed</source>
        <translation>已输入</translation>
    </message>
    <message>
        <source>The import failed: %s</source>
        <translation>导入失败：%s</translation>
    </message>
    <message>
        <source>Live call events on 127.0.0.1:%d</source>
        <translation>通话事件接口已开启：127.0.0.1:%d</translation>
    </message>
    <message>
        <source>Live call events are off: %s</source>
        <translation>通话事件接口未开启：%s</translation>
    </message>
</context>
<context>
    <name>PhraseList</name>
    <message>
        <source>Phrases</source>
        <translation>话术</translation>
    </message>
    <message>
        <source>Click a phrase or press its number to copy it; right-click for more</source>
        <translation>点击话术或按对应数字键复制；右键查看更多操作</translation>
    </message>
    <message>
        <source>[mine] </source>
        <translation>[我的] </translation>
    </message>
    <message>
        <source>Contains a banned phrase: %s</source>
        <translation>含服务禁语：%s</translation>
    </message>
    <message>
        <source>Remove from favourites</source>
        <translation>取消收藏</translation>
    </message>
    <message>
        <source>Add to favourites</source>
        <translation>收藏</translation>
    </message>
    <message>
        <source>Edit my phrase…</source>
        <translation>编辑我的话术…</translation>
    </message>
    <message>
        <source>Delete my phrase</source>
        <translation>删除我的话术</translation>
    </message>
    <message>
        <source>Add my own phrase for this step…</source>
        <translation>为此步骤添加我的话术…</translation>
    </message>
    <message>
        <source>Add a general phrase of my own…</source>
        <translation>添加通用的我的话术…</translation>
    </message>
    <message>
        <source>My phrase</source>
        <translation>我的话术</translation>
    </message>
    <message>
        <source>Phrase text:</source>
        <translation>话术内容：</translation>
    </message>
</context>
<context>
    <name>PhrasesModel</name>
    <message>
        <source>read your own phrases</source>
        <translation>读取您自己的话术</translation>
    </message>
    <message>
        <source>The phrase search could not be updated: %s</source>
        <translation>话术搜索没能更新：%s</translation>
    </message>
    <message>
        <source>index the phrases</source>
        <translation>给话术建索引</translation>
    </message>
    <message>
        <source>count the phrase&apos;s use</source>
        <translation>记录话术使用次数</translation>
    </message>
    <message>
        <source>log the phrase on the call</source>
        <translation>把话术记到这通电话上</translation>
    </message>
    <message>
        <source>Fill in %s first; nothing was copied</source>
        <translation>请先填写%s，本次未复制</translation>
    </message>
    <message>
        <source>The clipboard is held by %s; try again in a moment</source>
        <translation>剪贴板正被 %s 占用，请稍后再试</translation>
    </message>
    <message>
        <source>another program</source>
        <translation>另一个程序</translation>
    </message>
    <message>
        <source>save the favourite</source>
        <translation>保存收藏</translation>
    </message>
    <message>
        <source>save your phrase</source>
        <translation>保存您的话术</translation>
    </message>
    <message>
        <source>delete your phrase</source>
        <translation>删除您的话术</translation>
    </message>
</context>
<context>
    <name>RecordsDialog</name>
    <message>
        <source>Follow-ups and call history</source>
        <translation>跟进事项与历史记录</translation>
    </message>
    <message>
        <source>Open follow-ups</source>
        <translation>未完成的跟进事项</translation>
    </message>
    <message>
        <source>Mark done</source>
        <translation>标记完成</translation>
    </message>
    <message>
        <source>Follow-ups</source>
        <translation>跟进事项</translation>
    </message>
    <message>
        <source>Search the notes of past calls…</source>
        <translation>搜索历史通话备注…</translation>
    </message>
    <message>
        <source>Search notes</source>
        <translation>搜索备注</translation>
    </message>
    <message>
        <source>no due time</source>
        <translation>无截止时间</translation>
    </message>
    <message>
        <source>OVERDUE</source>
        <translation>逾期</translation>
    </message>
</context>
<context>
    <name>RecordsModel</name>
    <message>
        <source>set the masking policy</source>
        <translation>设置号码遮盖规则</translation>
    </message>
    <message>
        <source>export the shift</source>
        <translation>导出本班记录</translation>
    </message>
    <message>
        <source>import a phrase library</source>
        <translation>导入话术库</translation>
    </message>
</context>
<context>
    <name>RetentionTimer</name>
    <message>
        <source>delete calls past the retention period</source>
        <translation>删除超过保存期限的通话</translation>
    </message>
</context>
<context>
    <name>ScenarioPicker</name>
    <message>
        <source>Filter scenarios…</source>
        <translation>输入名称筛选场景…</translation>
    </message>
    <message>
        <source>Filter scenarios</source>
        <translation>筛选场景</translation>
    </message>
    <message>
        <source>Scenarios</source>
        <translation>场景</translation>
    </message>
</context>
<context>
    <name>SearchPalette</name>
    <message>
        <source>Find a phrase</source>
        <translation>查找话术</translation>
    </message>
    <message>
        <source>Type Chinese, pinyin or initials…</source>
        <translation>输入汉字、拼音或首字母…</translation>
    </message>
    <message>
        <source>Search phrases</source>
        <translation>搜索话术</translation>
    </message>
    <message>
        <source>Matching phrases</source>
        <translation>匹配的话术</translation>
    </message>
    <message>
        <source>Enter: insert · Esc: back</source>
        <translation>回车：插入 · Esc：返回</translation>
    </message>
    <message>
        <source>general</source>
        <translation>通用</translation>
    </message>
    <message>
        <source>Contains a banned phrase: %s</source>
        <translation>含服务禁语：%s</translation>
    </message>
</context>
<context>
    <name>Seatside</name>
    <message>
        <source>Raising a hand needs a hub: this seat is not enrolled</source>
        <translation>举手求助需要连接中心服务器：本坐席尚未登记</translation>
    </message>
    <message>
        <source>No reply from the lead to insert</source>
        <translation>组长还没有可插入的回复</translation>
    </message>
    <message>
        <source>Seatside&apos;s database is damaged (%s). The notes box is locked. Quit and start Seatside again: it will set the damaged file aside and recover what can be read.</source>
        <translation>坐席助手的数据库坏了（%s）。备注框已经锁住了。请退出后重新打开坐席助手：它会把坏掉的文件另外放好，再把能读出来的内容恢复回来。</translation>
    </message>
    <message>
        <source>Notes cannot be saved</source>
        <translation>备注存不进去了</translation>
    </message>
    <message>
        <source>Follow-up due</source>
        <translation>跟进事项到期</translation>
    </message>
    <message>
        <source>check the database</source>
        <translation>检查数据库</translation>
    </message>
    <message>
        <source>Seatside started with problems</source>
        <translation>坐席助手启动时遇到问题</translation>
    </message>
    <message>
        <source>The calls are all there: delete the damaged copy</source>
        <translation>电话记录都在：删除损坏的副本</translation>
    </message>
    <message>
        <source>Export the calls read back…</source>
        <translation>导出读回的电话…</translation>
    </message>
    <message>
        <source>Export the calls read back</source>
        <translation>导出读回的电话</translation>
    </message>
    <message>
        <source>export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>%d calls exported to %s</source>
        <translation>已把 %d 通电话导出到 %s</translation>
    </message>
    <message>
        <source>The database was damaged (%1). It was kept aside as %2; %3 calls could be read back into a new database.</source>
        <translation>数据库坏了（%1）。原文件已另存为 %2，读回了 %3 通电话，放进了新的数据库。</translation>
    </message>
    <message>
        <source>The backup of %1 was merged in: it added %2 calls; none of the calls read back was dropped.</source>
        <translation>已合并 %1 的备份：补回了 %2 通电话，读回的电话一通也没有丢。</translation>
    </message>
    <message>
        <source>The backup of %1 was not used: its %2 other calls (%3) are not in the database.</source>
        <translation>没有使用 %1 的备份：备份里另外的 %2 通电话（%3）不在数据库里。</translation>
    </message>
    <message>
        <source>%1 backups could not be read either.</source>
        <translation>另有 %1 个备份也读不出来。</translation>
    </message>
    <message>
        <source>Tell your team leader if calls are missing.</source>
        <translation>要是发现少了电话记录，请告诉组长。</translation>
    </message>
    <message>
        <source>The settings file could not be read (%1). It was kept aside as %2; the defaults are used.</source>
        <translation>设置文件读不出来（%1）。原文件已另存为 %2，现在使用默认设置。</translation>
    </message>
    <message>
        <source>back up the database</source>
        <translation>备份数据库</translation>
    </message>
    <message>
        <source>The data folder %1 cannot be written. Seatside runs read-only on a copy: what you do now is not kept after you quit. Export what you need to keep.</source>
        <translation>数据文件夹 %1 无法写入。坐席助手现在以只读方式在一份副本上运行：退出后本次的操作不会保留。需要留下的内容请先导出。</translation>
    </message>
    <message>
        <source>The database was written by a newer Seatside (%1). This one runs read-only on a copy.</source>
        <translation>数据库是新版坐席助手写的（%1）。当前版本以只读方式在一份副本上运行。</translation>
    </message>
    <message>
        <source>The database could not be opened (%1). It was kept aside as %2 and a new one was started.</source>
        <translation>数据库打不开（%1）。原文件已另存为 %2，已新建一个数据库。</translation>
    </message>
    <message>
        <source>Packs: unknown (%s)</source>
        <translation>场景包：无法确定（%s）</translation>
    </message>
    <message>
        <source>Packs: built-in and this seat&apos;s own</source>
        <translation>场景包：内置场景和本机自己的场景包</translation>
    </message>
    <message>
        <source>Packs: built-in; team %s has not sent any yet</source>
        <translation>场景包：内置场景；%s 尚未下发团队场景包</translation>
    </message>
    <message>
        <source>Packs: team %1, version %2 from the hub (installed %3), over the built-in ones</source>
        <translation>场景包：%1 团队第 %2 版（来自中心，%3 安装），覆盖内置场景</translation>
    </message>
    <message>
        <source>Seatside could not start on its data folder (%1). It runs on a copy of what can be read, with the built-in scenarios: what you do now is not kept after you quit.</source>
        <translation>坐席助手无法在数据文件夹上启动（%1）。现在在可读内容的副本上运行，只有内置场景：退出后，这次做的操作不会保留。</translation>
    </message>
    <message>
        <source>save the settings</source>
        <translation>保存设置</translation>
    </message>
    <message>
        <source>Follow-up due: %s</source>
        <translation>跟进事项到期：%s</translation>
    </message>
    <message>
        <source>Could not %s: %s</source>
        <translation>没能%s：%s</translation>
    </message>
    <message>
        <source>Seatside could not %1 in its database: %2. What you type stays in the notes box and is saved as soon as the database can be written again (trying again in %3 s). Free some disk space if the disk is full.</source>
        <translation>坐席助手没能在数据库里%1：%2。您输入的内容都留在备注框里，数据库一能写入就会保存（%3 秒后再试）。如果磁盘满了，请清理一些空间。</translation>
    </message>
    <message>
        <source>save the notes</source>
        <translation>保存备注</translation>
    </message>
    <message>
        <source>Seatside&apos;s database cannot be used (%1). %2 calls were read back from it.

The newest backup, of %3, holds %4 calls; %5 of them are not among the calls read back (%6).

Yes: merge the backup in. Every call read back stays and the backup adds its %5 calls.
No: do not use the backup. Its %5 calls will be dropped.</source>
        <translation>坐席助手的数据库无法使用（%1）。已从中读回 %2 通电话。

最新的备份（%3）有 %4 通电话，其中 %5 通不在读回的电话里（%6）。

是：合并备份。读回的电话全部保留，备份补回这 %5 通电话。
否：不用备份。备份里的这 %5 通电话将被丢弃。</translation>
    </message>
    <message>
        <source>Restore the backup?</source>
        <translation>要恢复备份吗？</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Raise a hand: ask the team lead for help</source>
        <translation>举手：向组长求助</translation>
    </message>
    <message>
        <source>Insert the team lead&apos;s reply</source>
        <translation>插入组长的回复</translation>
    </message>
    <message>
        <source>Insert suggestion %d</source>
        <translation>插入第 %d 条话术</translation>
    </message>
    <message>
        <source>Open the search palette</source>
        <translation>打开话术搜索框</translation>
    </message>
    <message>
        <source>Show / hide the panel</source>
        <translation>显示/隐藏面板</translation>
    </message>
    <message>
        <source>Start / end call</source>
        <translation>开始/结束通话</translation>
    </message>
    <message>
        <source>Tick the current step</source>
        <translation>勾选当前步骤</translation>
    </message>
    <message>
        <source>Switch to the suggested scenario</source>
        <translation>切换到建议的场景</translation>
    </message>
    <message>
        <source>Ignore the suggested scenario</source>
        <translation>忽略建议的场景</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Hotkeys</source>
        <translation>快捷键</translation>
    </message>
    <message>
        <source>Insertion</source>
        <translation>插入方式</translation>
    </message>
    <message>
        <source>Appearance</source>
        <translation>外观</translation>
    </message>
    <message>
        <source>Calls</source>
        <translation>通话</translation>
    </message>
    <message>
        <source>Data</source>
        <translation>数据</translation>
    </message>
    <message>
        <source>off</source>
        <translation>不使用</translation>
    </message>
    <message>
        <source>Restore defaults</source>
        <translation>恢复默认</translation>
    </message>
    <message>
        <source>Copy only</source>
        <translation>仅复制</translation>
    </message>
    <message>
        <source>Paste</source>
        <translation>粘贴</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>模拟输入</translation>
    </message>
    <message>
        <source>Hotkeys insert by</source>
        <translation>快捷键插入方式</translation>
    </message>
    <message>
        <source>Per program (window class or executable, e.g. wps, chrome.exe):</source>
        <translation>按程序设置（窗口类名或程序名，如 wps、chrome.exe）：</translation>
    </message>
    <message>
        <source>Program</source>
        <translation>程序</translation>
    </message>
    <message>
        <source>Mode</source>
        <translation>方式</translation>
    </message>
    <message>
        <source>Paste keys</source>
        <translation>粘贴按键</translation>
    </message>
    <message>
        <source>Line breaks when typing</source>
        <translation>输入时的换行</translation>
    </message>
    <message>
        <source>Add program</source>
        <translation>添加程序</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Shift+Enter (no form is sent)</source>
        <translation>Shift+Enter（不会提交表单）</translation>
    </message>
    <message>
        <source>Enter</source>
        <translation>Enter 键</translation>
    </message>
    <message>
        <source>Copy the phrase instead</source>
        <translation>改为复制话术</translation>
    </message>
    <message>
        <source>Follow the system</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <source>Theme</source>
        <translation>主题</translation>
    </message>
    <message>
        <source>Opacity</source>
        <translation>不透明度</translation>
    </message>
    <message>
        <source>system</source>
        <translation>系统默认</translation>
    </message>
    <message>
        <source>Font size</source>
        <translation>字号</translation>
    </message>
    <message>
        <source>Compact panel (checklist and phrases only)</source>
        <translation>紧凑模式（只显示步骤和话术）</translation>
    </message>
    <message>
        <source>Language (at next start)</source>
        <translation>界面语言（下次启动生效）</translation>
    </message>
    <message>
        <source>Staff number</source>
        <translation>坐席工号</translation>
    </message>
    <message>
        <source>Bank name</source>
        <translation>银行名称</translation>
    </message>
    <message>
        <source>as said on outbound calls</source>
        <translation>外呼开场白里报的行名，如：某某银行信用卡中心</translation>
    </message>
    <message>
        <source>Shift (HH:MM)</source>
        <translation>班次（时:分）</translation>
    </message>
    <message>
        <source>Complaint deadline (days)</source>
        <translation>投诉处理时限（天）</translation>
    </message>
    <message>
        <source>Card digits kept (first/last)</source>
        <translation>卡号保留位数（前/后）</translation>
    </message>
    <message>
        <source>Mobile digits kept (first/last)</source>
        <translation>手机号保留位数（前/后）</translation>
    </message>
    <message>
        <source>ID digits kept (first/last)</source>
        <translation>证件号保留位数（前/后）</translation>
    </message>
    <message>
        <source>Keep calls for (days)</source>
        <translation>通话记录保留天数</translation>
    </message>
    <message>
        <source>At most the first 6 and last 4 digits of a card and the last 4 of an ID or mobile may stay readable (6/4, 0/4, 0/4)</source>
        <translation>最多只能显示卡号前6位和后4位、证件号和手机号后4位（6/4、0/4、0/4）</translation>
    </message>
    <message>
        <source>Dispositions (up to %d):</source>
        <translation>处置结果（最多 %d 个）：</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>代码</translation>
    </message>
    <message>
        <source>Chinese</source>
        <translation>中文名</translation>
    </message>
    <message>
        <source>English</source>
        <translation>英文名</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <source>Data folder</source>
        <translation>数据文件夹</translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation>打开文件夹</translation>
    </message>
    <message>
        <source>Start Seatside with --data-dir DIR (or SEATSIDE_DATA_DIR) to use another folder.</source>
        <translation>如需使用其他文件夹，请以 --data-dir 目录（或环境变量 SEATSIDE_DATA_DIR）启动坐席助手。</translation>
    </message>
    <message>
        <source>Hotkey for %s: %s</source>
        <translation>“%s”的快捷键：%s</translation>
    </message>
    <message>
        <source>Every disposition needs a code and a Chinese name</source>
        <translation>每个处置结果都需要代码和中文名</translation>
    </message>
    <message>
        <source>At most %d dispositions</source>
        <translation>处置结果最多 %d 个</translation>
    </message>
    <message>
        <source>Disposition codes must be different</source>
        <translation>处置结果代码不能重复</translation>
    </message>
    <message>
        <source>Digits kept must look like 6/4</source>
        <translation>保留位数的格式应为 6/4</translation>
    </message>
</context>
<context>
    <name>SuggestionBar</name>
    <message>
        <source>Switch</source>
        <translation>切换</translation>
    </message>
    <message>
        <source>Ignore</source>
        <translation>忽略</translation>
    </message>
    <message>
        <source>The notes mention “%s”: switch to %s?</source>
        <translation>备注提到“%s”，是否切换到“%s”？</translation>
    </message>
    <message>
        <source>Why this scenario: %s</source>
        <translation>推荐依据：%s</translation>
    </message>
    <message>
        <source>Switch: %s · Ignore: %s</source>
        <translation>切换：%s · 忽略：%s</translation>
    </message>
    <message>
        <source>The customer said “%s”: switch to %s?</source>
        <translation>客户提到“%s”，是否切换到“%s”？</translation>
    </message>
</context>
<context>
    <name>TrayIcon</name>
    <message>
        <source>Show / hide panel</source>
        <translation>显示/隐藏面板</translation>
    </message>
    <message>
        <source>Export shift…</source>
        <translation>导出本班次…</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>设置…</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>End call</source>
        <translation>结束通话</translation>
    </message>
    <message>
        <source>Start call</source>
        <translation>开始通话</translation>
    </message>
    <message>
        <source>Seatside — hotkeys: %s</source>
        <translation>坐席助手 — 快捷键：%s</translation>
    </message>
</context>
<context>
    <name>ValuesPrompt</name>
    <message>
        <source>Fill in the phrase</source>
        <translation>补全话术</translation>
    </message>
    <message>
        <source>e.g. %s</source>
        <translation>如：%s</translation>
    </message>
</context>
</TS>
