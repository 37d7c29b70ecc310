// The browser build of exceljs without polyfills; its API is the package's own (index.d.ts).
declare module 'exceljs/dist/exceljs.bare.min.js' {
  import * as ExcelJS from 'exceljs';
  export default ExcelJS;
}
