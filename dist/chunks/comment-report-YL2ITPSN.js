const require = (id) => { const m = process.getBuiltinModule(id); if (m === undefined) throw new Error(`${id} is not a built-in module`); return m; };
import{a,b}from"./chunk-AOKUFFEF.js";import"./start-B62D7081.js";import"./start-B62D7081.js";import"./start-B62D7081.js";export{a as COMMENT_MAX_CHARS,b as renderComment};
