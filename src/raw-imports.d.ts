/** Text files bundled into the build (`import text from './x.yaml?raw'`), as Vite and our esbuild step load them. */
declare module '*?raw' {
  const text: string;
  export default text;
}
