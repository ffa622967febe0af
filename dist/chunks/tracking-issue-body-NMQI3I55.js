const require = (id) => { const m = process.getBuiltinModule(id); if (m === undefined) throw new Error(`${id} is not a built-in module`); return m; };
import{b as p}from"./chunk-AOKUFFEF.js";import{a as u,c as f}from"./chunk-6QFINEAV.js";import{s2_a as l,s2_b as c}from"./start-6CA27480.js";import{s1_b as t,s1_h as a,s1_l as m}from"./start-6CA27480.js";import"./start-6CA27480.js";import"./start-6CA27480.js";var w=65536;function r(n){let e=t(n.label??"a workflow run");return n.url?`[${e}](${encodeURI(n.url).replace(/[()]/g,encodeURIComponent)})`:e}function x(n,e){let o=u(e.key),i=`${f}${r(e.run)} on ${e.now.toISOString().slice(0,10)}.</sub>`,s="This issue is kept by the scheduled RemoteSpark firewall check: updated when what fails changes, closed when every flow the check requires is allowed again. The job summary of the run below lists every flow.",g=[o,s,i].reduce((h,d)=>h+d.length+3,0),k=c(p(n,{passed:!1,failingCount:e.failingCount,maxChars:w-g-l(e.notes).length,label:e.label}),e.notes);return{title:`RemoteSpark firewall check (${m(e.label,120)}): ${e.failingCount} flow(s) fail`,body:`${o}
${k.trimEnd()}

${s}

${i}
`,closeComment:`✅ The check passes again in ${r(e.run)}: ${t(a(n))} Closing this issue; it is reopened if a flow fails again.`,reopenComment:`⛔ Failing again in ${r(e.run)}: ${e.failingCount} flow(s) fail the check, listed above.`}}export{x as trackingIssueText};
