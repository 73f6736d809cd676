// End-to-end test of the notebooks as a person uses them: Jupyter's own UI in
// Debian's Chromium (driven by playwright-core, no browser download).
//
//   1. Start the project's main command (scripts/run.sh) on a free localhost
//      port with a token; open every notebook through the Jupyter UI, choose
//      "Restart & Run All", wait for the kernel to go idle, and check there is
//      no error output and that the notebook's key outputs are on the page.
//   2. Rerun one cell through the UI: its output is replaced, not duplicated.
//   3. Export the notebooks to HTML and PDF (scripts/export.sh --pdf) and open
//      every HTML file with the network blocked: outputs and SVG plots are
//      visible, every plot is marked with both axis labels, no output is
//      empty; notebook 01's first PDF pages are rendered to PNG.
//   4. Screenshots go to build/e2e/; every process started is stopped. A CJK
//      font must be installed (setup.sh --browser: fonts-noto-cjk), so that
//      the screenshots show the notebooks' Chinese.
//
// JupyterLab 4 (what scripts/setup.sh installs from PyPI) is driven for every
// notebook; the test prints which UI it drove. Where Debian's classic Notebook 6
// is installed too (/usr/bin/jupyter-notebook: setup.sh --browser installs it
// as root), notebook 01 also runs through the classic UI (scripts/run.sh
// --ui classic), the route of a Debian user without pip.
//
// JupyterLab runs with its own settings directory (JUPYTERLAB_SETTINGS_DIR):
// no windowing (every cell is in the page, so its text can be checked), no
// autosave (running must not rewrite the notebooks), no news pop-up.
//
//   cd e2e && npm ci && node --test notebooks.test.mjs
//
// Needs Chromium (RNNGO_CHROMIUM, default /usr/bin/chromium) and the project
// set up (scripts/setup.sh); without Chromium the test is skipped, unless
// RNNGO_REQUIRE_BROWSER=1.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { chromium } from "playwright-core";

const ROOT = path.resolve(import.meta.dirname, "..");
const ARTEFACTS = path.join(ROOT, "build", "e2e");
const CHROMIUM = process.env.RNNGO_CHROMIUM || "/usr/bin/chromium";
const RUN_TIMEOUT = 15 * 60 * 1000; // "Run All" of the slowest notebook (03 trains for about a minute)

// What each notebook must show once run, in the page and in its exported HTML
// (texts, and at least svgs SVG plots or diagrams); rerun names the tagged cell
// (nbformat metadata.tags) that the UI test runs a second time, and its source
// text (JupyterLab's page does not show the tags).
const NOTEBOOKS = [
  {
    name: "01-srn", texts: ["output_y is  1.9280551601516338 1.9280551601516338", "(2)(3)(4) 两两相差不超过 1e-6", "逐行比较："], svgs: 2,
    rerun: { tag: "part2", source: "numpySRN(os.Stdout, math.Tanh)", output: "output_y is  1.9280551601516338" },
  },
  { name: "02-hello-ohlol", texts: ["Predicted:  ohlol, Epoch [15/15]", "Predicted string:", "为什么最后是"], svgs: 2 },
  { name: "03-encoder-decoder", texts: ["man -> women", "king -> queen", "Epoch: 5000 cost ="], svgs: 2 },
  { name: "04-written-answers", texts: ["逐步循环 RNNCell vs RNN 的 output", "预测出 ohlol 的次数", "6 个训练词中 6 个用两种解码都译对"], svgs: 4 },
  { name: "05-theory", texts: ["手算 = pkg/rnn = PyTorch（最大差不超过 1e-10）：是", "两种门控网络都高于 SRN：是"], svgs: 4 },
  { name: "06-attention", texts: ["最长的输入（31–38 个字符", "字段内单调的比例"], svgs: 6 },
];

const available = fs.existsSync(CHROMIUM);
const skip = available ? false : `no Chromium at ${CHROMIUM} (scripts/setup.sh --browser installs it)`;
if (!available && process.env.RNNGO_REQUIRE_BROWSER === "1") {
  throw new Error(`browser test required (RNNGO_REQUIRE_BROWSER=1) but ${skip}`);
}

let browser, server, isLab, notebookHashes;

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

// hashNotebooks hashes the notebooks this test opens (only those: a notebook
// someone else is editing meanwhile must be neither reported nor restored).
function hashNotebooks() {
  const dir = path.join(ROOT, "notebooks");
  const out = {};
  for (const f of NOTEBOOKS.map((nb) => `${nb.name}.ipynb`)) {
    const data = fs.readFileSync(path.join(dir, f));
    out[f] = { sha: createHash("sha256").update(data).digest("hex"), data };
  }
  return out;
}

async function waitForServer(srv, deadline) {
  const url = `${srv.base}/api/status?token=${srv.token}`;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    if (srv.exited) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`Jupyter did not answer at ${url}; its log:\n${srv.log}`);
}

// labSettings writes JupyterLab user settings for the test into dir: every
// cell rendered (no windowing, so the page's text holds the whole notebook),
// no autosave, no news pop-up over the page.
function labSettings(dir) {
  const settings = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": { windowingMode: "none" },
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": { autosave: false },
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": { fetchNews: "false", checkForUpdates: false },
  };
  for (const [file, value] of Object.entries(settings)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), JSON.stringify(value));
  }
}

// startServer runs the README's first command (scripts/run.sh) on a free
// localhost port with a fresh token; extra arguments are run.sh's.
async function startServer(extra = []) {
  const port = await freePort();
  const token = randomBytes(16).toString("hex");
  const scratch = fs.mkdtempSync(path.join(ARTEFACTS, "lab-"));
  labSettings(path.join(scratch, "settings"));
  const child = spawn(path.join(ROOT, "scripts", "run.sh"), ["--port", String(port), "--no-browser", ...extra], {
    cwd: ROOT,
    env: {
      ...process.env, JUPYTER_TOKEN: token,
      JUPYTERLAB_SETTINGS_DIR: path.join(scratch, "settings"), JUPYTERLAB_WORKSPACES_DIR: path.join(scratch, "workspaces"),
    },
    detached: true, // its own process group, so everything it starts can be stopped
    stdio: ["ignore", "pipe", "pipe"],
  });
  const srv = { child, log: "", port, token, base: `http://127.0.0.1:${port}`, scratch, exited: false };
  child.stdout.on("data", (d) => (srv.log += d));
  child.stderr.on("data", (d) => (srv.log += d));
  child.on("exit", () => (srv.exited = true));
  await waitForServer(srv, Date.now() + 5 * 60 * 1000);
  srv.app = /starting Jupyter \((lab|notebook)\b/.exec(srv.log)?.[1];
  srv.version = /starting Jupyter \((?:lab|notebook) ([^)]*)\)/.exec(srv.log)?.[1] ?? "?";
  return srv;
}

// stopServer shuts the kernels down through Jupyter's API, then stops the
// server's process group, and keeps its log in build/e2e/.
async function stopServer(srv, logName) {
  try {
    const kernels = await (await fetch(`${srv.base}/api/kernels?token=${srv.token}`)).json();
    for (const k of kernels) await fetch(`${srv.base}/api/kernels/${k.id}?token=${srv.token}`, { method: "DELETE" });
  } catch {
    // the server may already be gone
  }
  try {
    process.kill(-srv.child.pid, "SIGTERM");
  } catch {
    // already exited
  }
  await new Promise((r) => setTimeout(r, 2000));
  try {
    process.kill(-srv.child.pid, "SIGKILL");
  } catch {
    // exited on SIGTERM
  }
  fs.writeFileSync(path.join(ARTEFACTS, logName), srv.log);
  fs.rmSync(srv.scratch, { recursive: true, force: true });
}

before(async () => {
  if (skip) return;
  fs.mkdirSync(ARTEFACTS, { recursive: true });
  notebookHashes = hashNotebooks();
  server = await startServer();
  isLab = server.app === "lab";
  const { base, token, port } = server;
  assert.match(server.log, new RegExp(`http://127\\.0\\.0\\.1:${port}/\\?token=${token}`), "run.sh prints the URL with its token");
  const unauth = await fetch(`${base}/api/kernelspecs`);
  assert.equal(unauth.status, 403, "token authentication is on");
  const specs = await (await fetch(`${base}/api/kernelspecs?token=${token}`)).json();
  assert.ok(specs.kernelspecs.gonb, `the GoNB kernel is listed (kernels: ${Object.keys(specs.kernelspecs)})`);

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
});

after(async () => {
  if (skip) return;
  if (browser) await browser.close();
  if (server) await stopServer(server, "jupyter.log");
  // The notebooks in the repository must not have been modified by running them in the browser.
  if (notebookHashes) {
    const now = hashNotebooks();
    for (const [f, { sha, data }] of Object.entries(notebookHashes)) {
      if (now[f]?.sha !== sha) {
        fs.writeFileSync(path.join(ROOT, "notebooks", f), data);
        assert.fail(`notebooks/${f} was modified while testing (restored)`);
      }
    }
  }
});

// ---------------------------------------------------------------- the classic Notebook UI and JupyterLab

const classic = {
  url: (name, srv) => `${srv.base}/notebooks/${name}.ipynb?token=${srv.token}`,
  async ready(page) {
    await page.waitForFunction(() => window.Jupyter?.notebook?.kernel?.is_connected?.(), null, { timeout: 120000 });
    // No autosave: running the notebook must not rewrite the file in the repository.
    await page.evaluate(() => Jupyter.notebook.set_autosave_interval(0));
  },
  async clearOutputs(page) {
    // Cell > All Output > Clear: whatever the page shows afterwards was produced by this run.
    await page.click("#celllink");
    await page.hover("#all_outputs");
    await page.click("#clear_all_output");
    await page.waitForFunction(() => document.querySelectorAll(".output_area").length === 0, null, { timeout: 30000 });
  },
  async runAll(page) {
    await page.click("#kernellink");
    await page.click("#restart_run_all");
    await page.click(".modal-footer .btn-danger"); // "Restart and Run All Cells"
    await page.waitForFunction(() => Jupyter.notebook.get_cells().some((c) => c.input_prompt_number === "*"), null, { timeout: 60000 });
    await this.idle(page);
  },
  async idle(page) {
    await page.waitForFunction(
      () => Jupyter.notebook.get_cells().every((c) => c.cell_type !== "code" || c.input_prompt_number !== "*") &&
        document.querySelector("#kernel_indicator_icon")?.classList.contains("kernel_idle_icon"),
      null, { timeout: RUN_TIMEOUT, polling: 1000 });
  },
  errors: (page) => page.locator(".output_error").allInnerTexts(),
  stderr: (page) => page.locator(".output_stderr").allInnerTexts(),
  text: (page) => page.locator("#notebook-container").innerText(),
  svgs: (page) => page.locator("#notebook-container .output_area svg").count(),
  async rerun(page, { tag }) {
    const index = await page.evaluate((t) => Jupyter.notebook.get_cells().findIndex((c) => (c.metadata.tags || []).includes(t)), tag);
    assert.ok(index >= 0, `a cell tagged ${tag}`);
    const before = await page.evaluate((i) => Jupyter.notebook.get_cell(i).input_prompt_number, index);
    await page.locator(".cell").nth(index).locator(".input_area").click();
    await page.keyboard.press("Shift+Enter");
    await page.waitForFunction(([i, b]) => {
      const n = Jupyter.notebook.get_cell(i).input_prompt_number;
      return n !== "*" && n !== b;
    }, [index, before], { timeout: 120000, polling: 500 });
    await this.idle(page);
    return page.locator(".cell").nth(index).locator(".output_area").allInnerTexts();
  },
};

// The notebook panel on show (Lab keeps other open documents' panels hidden in the page).
const PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)";

const lab = {
  // A workspace of its own for each notebook: the page holds that notebook only.
  url: (name, srv) => `${srv.base}/lab/workspaces/e2e-${name}/tree/${name}.ipynb?reset&token=${srv.token}`,
  async ready(page) {
    await page.waitForSelector(PANEL + " .jp-Notebook", { timeout: 120000 });
    await page.waitForSelector(PANEL + " .jp-Notebook-ExecutionIndicator[data-status='idle']", { timeout: 120000 });
  },
  async clearOutputs(page) {
    // Edit > Clear Outputs of All Cells; on a loaded machine the first click can
    // land before the notebook has focus, so it is retried a few times.
    for (let attempt = 1; ; attempt++) {
      await page.locator(PANEL + " .jp-Cell").first().click();
      await page.click(".lm-MenuBar-itemLabel:text-is('Edit')");
      await page.click(".lm-Menu-itemLabel:text-is('Clear Outputs of All Cells')");
      try {
        await page.waitForFunction((panel) => document.querySelectorAll(panel + " .jp-OutputArea-output").length === 0, PANEL, { timeout: 20000 });
        return;
      } catch (err) {
        if (attempt >= 3) throw err;
        await page.keyboard.press("Escape");
      }
    }
  },
  async runAll(page) {
    await page.click(".lm-MenuBar-itemLabel:text-is('Kernel')");
    await page.click(".lm-Menu-itemLabel:text-is('Restart Kernel and Run All Cells…')");
    await page.click(".jp-Dialog-button.jp-mod-accept");
    // Running: a prompt shows [*] (or, if the kernel was quick, every code
    // cell already has its execution count). A restart of the GoNB kernel on a
    // loaded 2-core machine can take a while.
    await page.waitForFunction((panel) => {
      const prompts = [...document.querySelectorAll(panel + " .jp-CodeCell .jp-InputPrompt")].map((p) => p.textContent);
      return prompts.some((p) => p.includes("[*]")) || (prompts.length > 0 && prompts.every((p) => /\[\d+\]/.test(p)));
    }, PANEL, { timeout: 5 * 60000, polling: 500 });
    await this.idle(page);
  },
  async idle(page) {
    await page.waitForFunction(
      (panel) => ![...document.querySelectorAll(panel + " .jp-InputPrompt")].some((p) => p.textContent.includes("[*]")) &&
        document.querySelector(panel + " .jp-Notebook-ExecutionIndicator")?.dataset.status === "idle",
      PANEL, { timeout: RUN_TIMEOUT, polling: 1000 });
  },
  errors: (page) => page.locator(PANEL + " .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']").allInnerTexts(),
  stderr: (page) => page.locator(PANEL + " .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").allInnerTexts(),
  text: (page) => page.locator(PANEL + " .jp-Notebook").innerText(),
  svgs: (page) => page.locator(PANEL + " .jp-OutputArea svg").count(),
  async rerun(page, { source }) {
    const cells = page.locator(PANEL + " .jp-Cell");
    const cell = cells.filter({ hasText: source }).first();
    const prompt = cell.locator(".jp-InputPrompt");
    const before = await prompt.innerText();
    await cell.locator(".jp-InputArea-editor").click();
    await page.keyboard.press("Shift+Enter");
    for (const deadline = Date.now() + 120000; ; ) {
      const now = await prompt.innerText();
      if (now !== before && !now.includes("*")) break;
      if (Date.now() > deadline) throw new Error(`the cell did not run again (prompt ${now})`);
      await new Promise((r) => setTimeout(r, 500));
    }
    await this.idle(page);
    return cell.locator(".jp-OutputArea").allInnerTexts();
  },
};

const ui = () => (isLab ? lab : classic);

// ---------------------------------------------------------------- 4: Chinese in the screenshots

test("a CJK font is installed, so pages and screenshots show Chinese", { skip }, () => {
  let fonts = "";
  try {
    fonts = execFileSync("fc-list", [":lang=zh", "family"], { encoding: "utf8" });
  } catch {
    // no fontconfig: no fonts either
  }
  assert.ok(fonts.trim() !== "", "no font covers Chinese (fc-list :lang=zh): scripts/setup.sh --browser installs fonts-noto-cjk");
});

// ---------------------------------------------------------------- 1 and 2: the notebooks in Jupyter

// runNotebook opens nb in the UI u served by srv, clears every output,
// restarts the kernel and runs all cells, checks what the page shows, and
// reruns the notebook's tagged cell (if any).
async function runNotebook(nb, u, srv, shot) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  try {
    await page.goto(u.url(nb.name, srv));
    await u.ready(page);
    await u.clearOutputs(page);
    await u.runAll(page);
    await page.screenshot({ path: path.join(ARTEFACTS, `${shot}-jupyter.png`), fullPage: true });
    assert.deepEqual(await u.errors(page), [], "no error output");
    for (const s of await u.stderr(page)) {
      assert.doesNotMatch(s, /panic:|goroutine \d+ \[|^exit status/m, "no Go crash printed");
    }
    const text = await u.text(page);
    for (const want of nb.texts) assert.ok(text.includes(want), `${nb.name} shows ${JSON.stringify(want)}`);
    assert.ok((await u.svgs(page)) >= nb.svgs, `${nb.name} shows at least ${nb.svgs} SVG plot(s)`);

    if (nb.rerun) {
      // 2. Rerun one cell: its output is replaced, not added to.
      const outputs = await u.rerun(page, nb.rerun);
      const joined = outputs.join("\n");
      const count = joined.split(nb.rerun.output).length - 1;
      assert.equal(count, 1, `the rerun cell shows its output once, got ${count} times:\n${joined}`);
      await page.screenshot({ path: path.join(ARTEFACTS, `${shot}-rerun.png`) });
    }
  } catch (err) {
    await page.screenshot({ path: path.join(ARTEFACTS, `${shot}-failure.png`) }).catch(() => {});
    throw err;
  } finally {
    await page.close();
    // Shut the notebook's kernel down, so that it neither runs on nor is
    // reopened with the next notebook.
    try {
      const sessions = await (await fetch(`${srv.base}/api/sessions?token=${srv.token}`)).json();
      for (const x of sessions) await fetch(`${srv.base}/api/sessions/${x.id}?token=${srv.token}`, { method: "DELETE" });
    } catch {
      // the server may be gone
    }
  }
}

test("which Jupyter UI scripts/run.sh serves", { skip }, (t) => {
  const which = isLab ? `JupyterLab ${server.version}` : `classic Notebook ${server.version}`;
  t.diagnostic(`browser test drives: ${which}`);
  console.log(`# browser test drives: ${which}`);
  assert.ok(server.app, `run.sh said which Jupyter it starts:\n${server.log}`);
});

for (const nb of NOTEBOOKS) {
  test(`Jupyter UI: ${nb.name} runs all cells without error`, { skip, timeout: RUN_TIMEOUT + 120000 }, async () => {
    await runNotebook(nb, ui(), server, nb.name);
  });
}

// The classic Notebook 6 UI, as a Debian user without pip has it: notebook 01
// only (the flavour's steps are the same for every notebook).
const debianNotebook = "/usr/bin/jupyter-notebook";
const classicSkip = skip || (isDebianNotebook() ? false : `Debian's classic Notebook is not installed (${debianNotebook})`);
function isDebianNotebook() {
  try {
    return /^6\./.test(execFileSync(debianNotebook, ["--version"], { encoding: "utf8" }).trim());
  } catch {
    return false;
  }
}

test("classic Notebook UI (Debian's Notebook 6): 01-srn runs all cells without error",
  { skip: classicSkip, timeout: RUN_TIMEOUT + 120000 }, async (t) => {
    const srv = await startServer(["--ui", "classic"]);
    try {
      assert.equal(srv.app, "notebook", `run.sh --ui classic starts the classic Notebook:\n${srv.log}`);
      t.diagnostic(`classic flavour drives: Notebook ${srv.version}`);
      await runNotebook(NOTEBOOKS[0], classic, srv, `${NOTEBOOKS[0].name}-classic`);
    } finally {
      await stopServer(srv, "jupyter-classic.log");
    }
  });

// ---------------------------------------------------------------- 3: the exported HTML, offline

test("exported HTML shows outputs and plots offline", { skip, timeout: 20 * 60 * 1000 }, async () => {
  const executed = process.env.RNNGO_EXECUTED_DIR;
  const out = path.join(ROOT, "build", "export");
  const args = ["--pdf", "--out", out];
  if (executed && NOTEBOOKS.every((nb) => fs.existsSync(path.join(executed, `${nb.name}.ipynb`)))) {
    args.push("--executed", executed); // reuse the notebooks the Go tests just executed
  }
  args.push(...NOTEBOOKS.map((nb) => path.join(ROOT, "notebooks", `${nb.name}.ipynb`)));
  execFileSync(path.join(ROOT, "scripts", "export.sh"), args, { cwd: ROOT, stdio: ["ignore", "inherit", "inherit"] });
  const context = await browser.newContext({ offline: true, viewport: { width: 1280, height: 900 } });
  const blocked = [];
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith("file:")) return route.continue();
    blocked.push(url);
    return route.abort();
  });
  try {
    for (const nb of NOTEBOOKS) {
      const file = path.join(out, "html", `${nb.name}.html`);
      assert.ok(fs.existsSync(file), `${file} exists`);
      const page = await context.newPage();
      await page.goto(`file://${file}`);
      const body = await page.locator("body").innerText();
      for (const want of nb.texts) assert.ok(body.includes(want), `${nb.name}.html shows ${JSON.stringify(want)}`);
      const svgs = page.locator("svg");
      assert.ok((await svgs.count()) >= nb.svgs, `${nb.name}.html has ${nb.svgs}+ SVG plot(s)`);
      for (let i = 0; i < nb.svgs; i++) {
        const svg = svgs.nth(i);
        await svg.scrollIntoViewIfNeeded();
        assert.ok(await svg.isVisible(), `${nb.name}.html: SVG ${i} is visible`);
        const box = await svg.boundingBox();
        assert.ok(box && box.width > 100 && box.height > 100, `${nb.name}.html: SVG ${i} is drawn (${JSON.stringify(box)})`);
      }
      // Every SVG in an output is a diagram or a plot marked with both axis labels; no output is empty.
      const unlabelled = await page.evaluate(() => [...document.querySelectorAll(".jp-OutputArea-output svg, .output_area svg")]
        .filter((s) => {
          const f = s.closest(".nb-figure, .nb-diagram");
          return !f || (f.classList.contains("nb-figure") && !(f.dataset.xlabel?.trim() && f.dataset.ylabel?.trim()));
        }).length);
      assert.equal(unlabelled, 0, `${nb.name}.html: ${unlabelled} SVG(s) neither a diagram nor a plot with both axis labels`);
      const empty = await page.evaluate(() => [...document.querySelectorAll(".jp-OutputArea-output, .output_subarea")]
        .filter((o) => !o.innerText.trim() && !o.querySelector("svg, img, table, progress")).length);
      assert.equal(empty, 0, `${nb.name}.html: ${empty} empty output(s)`);
      await page.screenshot({ path: path.join(ARTEFACTS, `${nb.name}-export.png`), fullPage: true });
      await page.close();
    }
  } finally {
    await context.close();
  }
  fs.writeFileSync(path.join(ARTEFACTS, "blocked-requests.txt"), blocked.join("\n") + "\n");

  // The PDF hand-in: its first pages rendered to PNG, for a person to look at.
  for (const nb of NOTEBOOKS) assert.ok(fs.existsSync(path.join(out, "pdf", `${nb.name}.pdf`)), `${nb.name}.pdf exists`);
  execFileSync("pdftoppm", ["-png", "-r", "70", "-f", "1", "-l", "3", path.join(out, "pdf", `${NOTEBOOKS[0].name}.pdf`),
    path.join(ARTEFACTS, `${NOTEBOOKS[0].name}-pdf-page`)]);
  assert.ok(fs.readdirSync(ARTEFACTS).some((f) => f.startsWith(`${NOTEBOOKS[0].name}-pdf-page`) && f.endsWith(".png")),
    "a PDF page rendered to PNG in build/e2e/");
});
