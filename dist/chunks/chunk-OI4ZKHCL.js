const require = (id) => { const m = process.getBuiltinModule(id); if (m === undefined) throw new Error(`${id} is not a built-in module`); return m; };
var s={web:"allow-remotespark-web",media:"allow-remotespark-media",dns:"allow-remotespark-dns"};function t(i,o){let e=s[i];if(!o.has(e))return e;for(let r=2;;r++)if(!o.has(`${e}-${r}`))return`${e}-${r}`}export{t as a};
