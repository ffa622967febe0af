const require = (id) => { const m = process.getBuiltinModule(id); if (m === undefined) throw new Error(`${id} is not a built-in module`); return m; };
import{a,b}from"./chunk-AOKUFFEF.js";import"./start-6CA27480.js";import"./start-6CA27480.js";import"./start-6CA27480.js";export{a as COMMENT_MAX_CHARS,b as renderComment};
