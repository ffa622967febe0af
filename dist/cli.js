#!/usr/bin/env node
import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import{a as y,b as w,c as $,d as b,e as R,f as O,g as k,h as l,i as T,j as S,k as m,l as c,m as u,n as h,o as x,p as C,q as j,r as M}from"./chunks/chunk-I6HQTOM6.js";import"./chunks/chunk-MF7VKFXN.js";import"./chunks/chunk-5LW57ZRG.js";import"./chunks/chunk-SIVF2JL2.js";import"./chunks/chunk-YONOEQHK.js";import"./chunks/chunk-IZBDICT5.js";import"./chunks/chunk-XUTMHAX2.js";import"./chunks/chunk-7P3NTM4J.js";import{a as v}from"./chunks/chunk-TXY6MSF7.js";import{a as p,b as E}from"./chunks/chunk-QZWTRF72.js";import"./chunks/chunk-XDP6RD4K.js";import{parseArgs as z}from"node:util";var q={allowed:"✅",partial:"⚠️",unknown:"❔",blocked:"⛔"};function I(t){let e=[];e.push(`### RemoteSpark firewall check: ${t.summary.passed?"pass":"fail"}`),e.push(""),e.push(u(M(t))),e.push(""),e.push("| Verdict | Severity | Role | Flow | Decided by | Detail |"),e.push("|---|---|---|---|---|---|");for(let r of t.flows){let s=`${h(m(r))}${r.provenance.verified?"":" †"}`;e.push(`| ${q[r.verdict]} ${r.verdict} | ${r.severity} | ${u(r.roleLabel)} | ${s} | ${u(C(r))} | ${u(r.detail)} |`)}e.push("");let o=t.target;return e.push(`Inputs: ${t.inputs.map(r=>`${h(r.path)} (${u(r.format)}, ${r.rules} rules)`).join(", ")}. `+(o.customFlows?"Custom flows.":`RemoteSpark ${u(o.release??"")}, catalog ${u(o.catalogVersion)}, mode ${o.mode}.`)),t.flows.some(r=>!r.provenance.verified)&&(e.push(""),e.push("† hostname not in the public RemoteSpark article (unverified): override it with a catalog overlay.")),`${e.join(`
`)}
`}function N(t){let e=t[0].map((o,r)=>Math.max(...t.map(s=>s[r].length)));return t.map(o=>o.map((r,s)=>r.padEnd(e[s])).join("  ").trimEnd()).join(`
`)+`
`}function A(t){return t.map(e=>e.map(x).join(",")).join(`\r
`)+`\r
`}function P(t,e){let o=e.catalog?b(e.catalog):$();if(t==="releases"){let n=R(o);if(e.output==="json")return`${JSON.stringify({catalogVersion:o.catalogVersion,releases:n},null,2)}
`;let d=[["RELEASE","DATE","EDITION"],...n.map(i=>[i.version,i.date??"",i.edition??""])];return e.output==="csv"?A(d):N(d)}if(t!=="flows")throw new l(`unknown catalog command "${t}"; expected releases or flows`);let r=O(o,e);if(e.output==="json"){let n=r.flows.map(a=>({role:a.role,roleLabel:a.roleLabel,host:a.host,port:a.port,protocol:a.protocol,severity:a.severity,...a.relays?{relays:[...a.relays.text]}:{},provenance:a.provenance})),{release:d,catalogVersion:i,mode:g}=r;return`${JSON.stringify({release:d,catalogVersion:i,mode:g,flows:n},null,2)}
`}let s=[["ROLE","HOST","PORT","PROTOCOL","SEVERITY","VERIFIED","DESTINATION"],...r.flows.map(n=>[n.roleLabel,n.host,String(n.port),n.protocol,n.severity,n.provenance.verified?"yes":"no",n.relays?n.relays.text.join(" "):n.host==="*"?"any internet address":m(n)])];return e.output==="csv"?A(s):`${c(`RemoteSpark ${r.release} (catalog ${r.catalogVersion}), mode ${r.mode}`)}

${N(s.map(n=>n.map(c)))}`}var U=`Usage:
  ${p} check <config>... [options]
  ${p} catalog releases [--catalog PATH] [--output table|csv|json]
  ${p} catalog flows [--version V] [--mode cloud|na|eu] [--require-backups] [--relay CIDR]...
                              [--catalog PATH] [--output table|csv|json]
  ${p} --help | --tool-version

check options:
  --version V            RemoteSpark version (x.y.z or latest; default latest)
  --mode M               cloud (Traffic Manager, default), na or eu (pinned datacentre)
  --source CIDR          client source addresses (repeatable); default: any source
  --source-zone Z        client zone or interface (repeatable); default: any zone
  --destination-zone Z   zone or interface the internet is reached through (repeatable)
  --flow HOST:PORT/PROTO check these flows instead of the catalog's (repeatable; HOST * = any destination)
  --relay CIDR           STUN/TURN relay addresses from Kognitiv Spark Support (repeatable)
  --require-backups      treat recommended flows (redundancies, backups) as required
  --policy NAME          check only this vsys, VDOM, device group or firewall of the input (repeatable)
  --format ID            reader to use instead of detection (auto, ${k().join(", ")})
  --catalog PATH         catalog file or overlay (default: the built-in catalog)
  --json                 same as --output json
  --output F             text (default), json or markdown
  --max-input-mb N       refuse inputs larger than N MiB (default 128)

Exit status: 0 every required flow allowed; 1 a required flow not allowed; 2 usage or input error.
`,F={version:{type:"string"},mode:{type:"string"},source:{type:"string",multiple:!0},"source-zone":{type:"string",multiple:!0},"destination-zone":{type:"string",multiple:!0},flow:{type:"string",multiple:!0},policy:{type:"string",multiple:!0},relay:{type:"string",multiple:!0},"require-backups":{type:"boolean"},format:{type:"string"},catalog:{type:"string"},json:{type:"boolean"},output:{type:"string"},"max-input-mb":{type:"string"},help:{type:"boolean",short:"h"},"tool-version":{type:"boolean"}};function V(t){let e=t??"cloud";if(!y.includes(e))throw new l(`--mode "${e}" is not one of ${y.join(", ")}`);return e}function D(t,e,o){let r=t.json?"json":t.output??o;if(!e.includes(r))throw new l(`--output "${r}" is not one of ${e.join(", ")}`);return r}function _(t){if(t===void 0)return;let e=Number(t);if(!Number.isFinite(e)||e<=0)throw new l(`--max-input-mb "${t}" is not a positive number`);return Math.floor(e*1024*1024)}async function L(t,e){try{let{values:o,positionals:r}=z({args:[...t],options:F,allowPositionals:!0,strict:!0});if(o["tool-version"])return e.stdout(`${E}
`),0;let[s,...f]=r;if(o.help||s===void 0||s==="help")return e.stdout(U),s===void 0&&!o.help?2:0;if(s==="catalog"){let[g="flows",...a]=f;if(a.length)throw new l(`unexpected argument "${a[0]}"`);return e.stdout(P(g,{version:o.version??"latest",mode:V(o.mode),requireRecommended:o["require-backups"]??!1,relays:o.relay,catalog:o.catalog,output:D(o,["table","csv","json"],"table")})),0}if(s!=="check")throw new l(`unknown command "${s}"`);let n=D(o,["text","json","markdown"],"text"),d=await T({configs:f,version:o.version??"latest",mode:V(o.mode),sources:o.source,sourceZones:o["source-zone"],destinationZones:o["destination-zone"],flows:o.flow,relays:o.relay,requireRecommended:o["require-backups"]??!1,format:o.format,catalog:o.catalog,maxInputBytes:_(o["max-input-mb"]),policies:o.policy}),i=S(d);return n==="json"?e.stdout(`${JSON.stringify(i,null,2)}
`):n==="markdown"?e.stdout(I(i)):e.stdout(j(i,{color:e.color})),i.summary.passed?0:1}catch(o){if(o instanceof v)return e.stderr(`error: ${c(o.format())}
`),2;if(o instanceof l||o instanceof w)return e.stderr(`error: ${c(o.message)}
Run "${p} --help" for usage.
`),2;if(o instanceof TypeError&&"code"in o&&String(o.code).startsWith("ERR_PARSE_ARGS"))return e.stderr(`error: ${c(o.message)}
Run "${p} --help" for usage.
`),2;throw o}}var B=!!process.stdout.isTTY&&!process.env.NO_COLOR&&process.env.TERM!=="dumb";try{process.exitCode=await L(process.argv.slice(2),{stdout:t=>process.stdout.write(t),stderr:t=>process.stderr.write(t),color:B})}catch(t){let e=t instanceof Error?t.message:String(t);process.stderr.write(`internal error: ${e}
This is a bug in remotespark-firewall-check; please report it.
`),process.env.REMOTESPARK_DEBUG&&t instanceof Error&&process.stderr.write(`${t.stack}
`),process.exitCode=2}
