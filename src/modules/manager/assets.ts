// The console's one stylesheet, served by the server itself (no CDN: the console works
// offline). Colours meet WCAG AA contrast on white; focus is always visible.
export const STYLESHEET = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,sans-serif;color:#1a1a1a;background:#f6f7f9}
a{color:#0b57d0}
header{display:flex;flex-wrap:wrap;gap:1rem;align-items:center;justify-content:space-between;padding:.6rem 1.2rem;background:#0b3a75;color:#fff}
header a,header .brand{color:#fff}
.brand{font-weight:700;text-decoration:none}
nav ul{display:flex;flex-wrap:wrap;gap:1rem;list-style:none;margin:0;padding:0}
nav a[aria-current="page"]{font-weight:700;text-decoration:underline}
header form{display:inline-flex;gap:.4rem;align-items:center;margin:0}
header select,header button{font:inherit;padding:.2rem .4rem}
main{max-width:64rem;margin:1.5rem auto;padding:0 1.2rem}
section{background:#fff;border:1px solid #d0d5dd;border-radius:6px;padding:1rem 1.2rem;margin-bottom:1.2rem}
h1{font-size:1.5rem;margin:.2rem 0 1rem}h2{font-size:1.15rem;margin:.2rem 0 .8rem}
label{display:block;font-weight:600;margin-top:.8rem}
input,select{font:inherit;padding:.4rem .5rem;border:1px solid #667085;border-radius:4px;min-width:14rem}
input[type=checkbox],input[type=radio]{min-width:0}
button{font:inherit;margin-top:.8rem;padding:.45rem 1rem;border-radius:4px;border:1px solid #0b57d0;background:#0b57d0;color:#fff;cursor:pointer}
button.secondary{background:#fff;color:#0b57d0}
button.danger{background:#a50e0e;border-color:#a50e0e}
:focus-visible{outline:3px solid #f4b400;outline-offset:2px}
table{border-collapse:collapse;width:100%}
caption{text-align:left;font-weight:600;padding:.3rem 0}
fieldset{border:1px solid #d0d5dd;border-radius:4px;margin:.8rem 0;padding:.4rem .8rem}
legend{font-weight:600;padding:0 .3rem}
label.check,.check label{display:inline-flex;gap:.4rem;align-items:center;font-weight:400;margin:.3rem 1rem .3rem 0}
details.menu>summary{list-style:none;cursor:pointer;padding:0 .4rem}
details.menu>summary::-webkit-details-marker{display:none}
.table-wrap{overflow-x:auto}
th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid #e4e7ec;vertical-align:top}
.field-error{color:#a50e0e;font-size:.9rem;margin:.2rem 0 0}
.alert{padding:.6rem .9rem;border-left:4px solid #a50e0e;background:#fdecec;margin-bottom:1rem}
.notice{padding:.6rem .9rem;border-left:4px solid #137333;background:#e6f4ea;margin-bottom:1rem}
.muted{color:#555;font-size:.9rem}
.inline{display:inline}
.actions{display:flex;flex-wrap:wrap;gap:.6rem;align-items:flex-end}
.tabs ul{display:flex;flex-wrap:wrap;gap:.2rem 1.2rem;list-style:none;padding:0;margin:0 0 1.2rem;border-bottom:1px solid #d0d5dd}
.tabs a{display:inline-block;padding:.3rem 0;text-decoration:none}
.tabs a[aria-current="page"]{font-weight:700;border-bottom:3px solid #0b57d0}
`;
