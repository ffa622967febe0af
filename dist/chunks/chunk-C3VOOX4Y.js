import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
function t(n){return`<!-- remotespark-firewall-check:tracking-issue key=${n} -->`}function i(n,r){return n?n.split(`
`,1)[0].replace(/\r$/,"")===t(r):!1}var e="<sub>Last changed by ";function s(n){let r=n.replace(/\r\n/g,`
`).trimEnd().split(`
`);return r.at(-1)?.startsWith(e)&&r.pop(),r.join(`
`).trimEnd()}export{t as a,i as b,e as c,s as d};
