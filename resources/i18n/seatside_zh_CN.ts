<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>CallModel</name>
    <message>
        <source>Could not save: %s</source>
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
        <source>Click a phrase or press its number to copy it</source>
        <translation>点击话术或按对应数字键即可复制</translation>
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
</TS>