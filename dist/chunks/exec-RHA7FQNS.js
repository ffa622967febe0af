const require = (id) => { const m = process.getBuiltinModule(id); if (m === undefined) throw new Error(`${id} is not a built-in module`); return m; };
import{g as a,h as b}from"./chunk-YUSDCUUN.js";import"./start-B62D7081.js";import"./start-B62D7081.js";import"./start-B62D7081.js";import"./start-B62D7081.js";export{a as exec,b as getExecOutput};
