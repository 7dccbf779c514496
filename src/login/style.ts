/** The login pages' stylesheet, served at STYLESHEET_PATH (kept in TS so the build ships it). */
export const LOGIN_CSS = `
:root { color-scheme: light dark; --accent: #635dff; --fg: #1e212a; --bg: #f4f4f6; --card: #fff; --muted: #65676e; --err: #d03c38; }
@media (prefers-color-scheme: dark) { :root { --fg: #f0f0f3; --bg: #15161a; --card: #202127; --muted: #a3a5ad; } }
* { box-sizing: border-box; }
body { margin: 0; min-height: 100vh; display: grid; place-items: center; background: var(--bg); color: var(--fg);
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
.card { width: min(400px, 92vw); background: var(--card); padding: 40px; border-radius: 6px; box-shadow: 0 12px 40px rgba(0,0,0,.12); }
h1 { font-size: 24px; margin: 0 0 8px; text-align: center; }
p.lead { margin: 0 0 24px; text-align: center; color: var(--muted); }
label { display: block; font-size: 14px; margin: 16px 0 4px; }
input[type=email], input[type=text], input[type=password] { width: 100%; padding: 12px; font: inherit; color: inherit;
  background: transparent; border: 1px solid var(--muted); border-radius: 3px; }
input:focus-visible, button:focus-visible, a:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
button { width: 100%; margin-top: 24px; padding: 12px; font: inherit; font-weight: 600; color: #fff; background: var(--accent);
  border: 0; border-radius: 3px; cursor: pointer; }
.error { margin: 0 0 16px; padding: 10px 12px; border-left: 4px solid var(--err); background: rgba(208,60,56,.08); }
.links { margin-top: 20px; text-align: center; font-size: 14px; }
.links a { color: var(--accent); }
ul.rules { font-size: 13px; color: var(--muted); padding-left: 18px; }
`;
