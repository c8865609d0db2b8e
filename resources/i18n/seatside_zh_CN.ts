<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>CallModel</name>
    <message>
        <source>Could not save: %s</source>
        <extracomment>The scenario the insert hotkeys use on a first run, before any was chosen.</extracomment>
        <translation>保存失败：%s</translation>
    </message>
    <message>
        <source>Unknown scenario: %s</source>
        <translation>未知场景：%s</translation>
    </message>
    <message>
        <source>Start a call to tick steps</source>
        <translation>请先开始通话再勾选步骤</translation>
    </message>
    <message>
        <source>Fill in %s first; nothing was copied</source>
        <translation>请先填写%s，本次未复制</translation>
    </message>
</context>
<context>
    <name>ChecklistView</name>
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
</context>
<context>
    <name>EndCallDialog</name>
    <message>
        <source>End call</source>
        <translation>结束通话</translation>
    </message>
    <message>
        <source>Required steps not ticked:</source>
        <translation>以下必做步骤尚未勾选：</translation>
    </message>
    <message>
        <source>Hand on to the next contact:</source>
        <translation>需交接给下一环节：</translation>
    </message>
    <message>
        <source>How did the call end?</source>
        <translation>本次通话的处置结果：</translation>
    </message>
</context>
<context>
    <name>InsertionController</name>
    <message>
        <source>No phrase %d for this step</source>
        <translation>当前步骤没有第 %d 条话术</translation>
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
    <name>NotesView</name>
    <message>
        <source>e.g. 王先生</source>
        <translation>如：王先生</translation>
    </message>
    <message>
        <source>Customer's form of address</source>
        <translation>客户称呼</translation>
    </message>
    <message>
        <source>Notes for this call (saved automatically)</source>
        <translation>通话备注（自动保存）</translation>
    </message>
    <message>
        <source>Call notes</source>
        <translation>通话备注</translation>
    </message>
    <message>
        <source>Address as</source>
        <translation>客户称呼</translation>
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
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>Export shift as CSV…</source>
        <translation>导出本班次（CSV）…</translation>
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
        <source>No call</source>
        <translation>未在通话</translation>
    </message>
    <message>
        <source>%d scenario file(s) skipped: %s</source>
        <translation>已跳过 %d 个有问题的场景文件：%s</translation>
    </message>
    <message>
        <source>Global hotkeys are off (%s); the panel's own keys still work.</source>
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
        <source>Export shift</source>
        <translation>导出本班次</translation>
    </message>
    <message>
        <source>CSV (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
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
<context>
    <name>self.panel</name>
    <message>
        <source>No phrase %d for this step</source>
        <translation>当前步骤没有第 %d 条话术</translation>
    </message>
</context>
</TS>