const require = (id) => { const m = process.getBuiltinModule(id); if (m === undefined) throw new Error(`${id} is not a built-in module`); return m; };
import{g as a,h as b}from"./chunk-YUSDCUUN.js";import"./start-6CA27480.js";import"./start-6CA27480.js";import"./start-6CA27480.js";import"./start-6CA27480.js";export{a as exec,b as getExecOutput};
