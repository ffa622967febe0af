import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
function r(e){return`${e.host}:${e.port}/${e.protocol}`}export{r as a};
