const require = (id) => { const m = process.getBuiltinModule(id); if (m === undefined) throw new Error(`${id} is not a built-in module`); return m; };
import{g as a,h as b}from"./chunk-YUSDCUUN.js";import"./start-E8F7BA91.js";import"./start-E8F7BA91.js";import"./start-E8F7BA91.js";import"./start-E8F7BA91.js";export{a as exec,b as getExecOutput};
