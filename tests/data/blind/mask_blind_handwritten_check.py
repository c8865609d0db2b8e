import json, re, datetime, sys
sys.path.insert(0,'/work/blind')
W=[7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2]; C="10X98765432"
def luhn(n):
    t=0
    for i,ch in enumerate(reversed(n)):
        d=int(ch)
        if i%2: d*=2; d-= 9 if d>9 else 0
        t+=d
    return t%10==0
def idok(n):
    if len(n)==15: 
        try: datetime.date(1900+int(n[6:8]),int(n[8:10]),int(n[10:12])); return n.isdigit()
        except ValueError: return False
    try: datetime.date(int(n[6:10]),int(n[10:12]),int(n[12:14]))
    except ValueError: return False
    return C[sum(int(a)*b for a,b in zip(n[:17],W))%11]==n[17]
NM={}
for chs,v in [("0０零〇洞","0"),("1１一幺壹","1"),("2２二两贰","2"),("3３三叁","3"),("4４四肆","4"),("5５五伍","5"),
              ("6６六陆","6"),("7７七柒","7"),("8８八捌","8"),("9９九玖","9"),("XxＸ叉×","X")]:
    for c in chs: NM[c]=v
def norm(t): return "".join(NM.get(c,"") for c in re.sub(r"\[[0-9:]+\]","",t))
ESC={"\\n":"\n","\\t":"\t","\\u200b":"\u200b","\\u200c":"\u200c","\\u2060":"\u2060","\\ufeff":"\ufeff",
     "\\u00ad":"\u00ad","\\u200d":"\u200d","\\u00a0":"\u00a0"}
rows=[];bad=0;texts=set()
for ln in open('/work/blind/mask_blind_handwritten.src.txt',encoding='utf-8'):
    ln=ln.rstrip("\n")
    if not ln or ln.startswith("#"): continue
    t,style,pii,text=ln.split("|",3)
    for k,v in ESC.items(): text=text.replace(k,v)
    assert text not in texts, text; texts.add(text)
    P=[]
    if pii:
        for item in pii.split(","):
            kind,d=item.split(":")
            ok={"card":lambda d:d.isdigit() and 13<=len(d)<=19 and luhn(d),"id":idok,
                "mobile":lambda d:len(d)==11 and re.fullmatch(r"1[3-9]\d{9}",d)}[kind](d)
            if not ok: print("INVALID",kind,d); bad+=1
            if d not in norm(text): print("NOT IN TEXT",d,norm(text),text); bad+=1
            P.append({"digits":d,"kind":kind})
    else:
        # negatives: flag any contiguous ASCII digit run that is a valid ID18 / unlabeled mobile-looking
        for m in re.findall(r"\d{11,19}",text):
            if len(m)==18 and idok(m): print("NEG has valid ID",text); bad+=1
    assert (t=="P")==bool(P)
    rows.append({"text":text,"pii":P,"style":style})
with open('/work/blind/mask_blind_handwritten.jsonl','w',encoding='utf-8') as f:
    for r in rows: f.write(json.dumps(r,ensure_ascii=False)+"\n")
print(len(rows),sum(1 for r in rows if r["pii"]),"bad",bad)
