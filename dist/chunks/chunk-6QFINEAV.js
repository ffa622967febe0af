const require = (id) => { const m = process.getBuiltinModule(id); if (m === undefined) throw new Error(`${id} is not a built-in module`); return m; };
function t(n){return`<!-- remotespark-firewall-check:tracking-issue key=${n} -->`}function i(n,r){return n?n.split(`
`,1)[0].replace(/\r$/,"")===t(r):!1}var e="<sub>Last changed by ";function s(n){let r=n.replace(/\r\n/g,`
`).trimEnd().split(`
`);return r.at(-1)?.startsWith(e)&&r.pop(),r.join(`
`).trimEnd()}export{t as a,i as b,e as c,s as d};
