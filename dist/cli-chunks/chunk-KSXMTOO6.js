import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
var s={web:"allow-remotespark-web",media:"allow-remotespark-media",dns:"allow-remotespark-dns"};function t(i,o){let e=s[i];if(!o.has(e))return e;for(let r=2;;r++)if(!o.has(`${e}-${r}`))return`${e}-${r}`}export{t as a};
