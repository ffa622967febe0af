import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
var u=new Set(["pull_request","pull_request_target"]);function l(e,t){if(!u.has(e))return;let n=t?.pull_request?.number;return typeof n=="number"&&Number.isInteger(n)&&n>0?n:void 0}function i(e){let t=e,n=t?.pull_request?.head?.repo?.full_name,r=t?.repository?.full_name;return typeof n=="string"&&typeof r=="string"&&n!==r}import{createHash as o}from"node:crypto";function p(e){let t=[...new Set(e.map(n=>n.trim()))].sort().join(`
`);return o("sha256").update(t).digest("hex").slice(0,16)}function s(e){return`<!-- remotespark-firewall-check:comment key=${e} -->`}function c(e,t){return e?e.split(`
`,1)[0].replace(/\r$/,"")===s(t):!1}export{p as a,s as b,c,u as d,l as e,i as f};
