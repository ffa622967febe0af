const require = (id) => { const m = process.getBuiltinModule(id); if (m === undefined) throw new Error(`${id} is not a built-in module`); return m; };
import{e as a,f as b,g as c}from"./chunk-WL7MHBSL.js";import"./start-6CA27480.js";import"./chunk-ANLW3XDK.js";import"./start-6CA27480.js";import"./start-6CA27480.js";import"./start-6CA27480.js";export{c as createClient,b as failureOf,a as sleep};
