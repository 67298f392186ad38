//! `idplint lsp` in a real editor: headless Neovim (Debian's `neovim` package, 0.7 on
//! bookworm) with its built-in LSP client opens a fixture, receives the diagnostics, applies a
//! code action through `vim.lsp.buf.code_action()` and the buffer's text is checked.
//!
//! Neovim 0.7 speaks UTF-16 only, sends incremental changes, and understands only the
//! unversioned `changes` form of a workspace edit, so this also covers those paths.
//!
//! The test needs `nvim` on PATH. `.ci/run` installs it; under `CI=true` a missing `nvim` is a
//! failure, on a developer machine the test is skipped with a note.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const KRATOS: &str = "version: v0.11.1\n# 設定ファイル: 日本語のコメント\ncourier:\n  message_ttl: 1h # 古い設定 (日本語)\n  smtp:\n    from_name: \"山田太郎 🌸\"\n";
const KRATOS_FIXED: &str = "version: v0.11.1\n# 設定ファイル: 日本語のコメント\ncourier:\n  smtp:\n    from_name: \"山田太郎 🌸\"\n";
const FLOW: &str = "version: v0.11.1\ncourier: {smtp: {from_name: \"山田 🌸\"}, message_ttl: 1h}\n";
const FLOW_FIXED: &str = "version: v0.11.1\ncourier: {smtp: {from_name: \"山田 🌸\"}}\n";

/// Runs inside Neovim. Writes `key=value` lines to $IDPLINT_OUT; any Lua error is recorded as
/// `error=...` and Neovim exits non-zero.
const SCRIPT: &str = r#"
local out = {}
local function record(key, value) table.insert(out, key .. '=' .. tostring(value)) end
local function flush(code)
  local f = assert(io.open(os.getenv('IDPLINT_OUT'), 'w'))
  f:write(table.concat(out, '\n') .. '\n')
  f:close()
  if code == 0 then vim.cmd('qall!') else vim.cmd('cquit! ' .. code) end
end

local TTL = 'kratos/courier-message-ttl-removed'

local function buffer_text(bufnr)
  return table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), '\n') .. '\n'
end

local function ttl_diagnostic(bufnr)
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.code == TTL then return d end
  end
  return nil
end

-- Pick the quick fix that removes the key when the code-action menu opens.
vim.ui.select = function(items, _, on_choice)
  for i, item in ipairs(items) do
    if item[2].title:find('Remove `courier.message_ttl`', 1, true) then
      return on_choice(item, i)
    end
  end
  record('menu', 'no removal among ' .. #items .. ' actions')
  on_choice(nil, nil)
end

local client_id = vim.lsp.start_client({
  name = 'idplint',
  cmd = { os.getenv('IDPLINT_BIN'), 'lsp' },
  root_dir = os.getenv('IDPLINT_DIR'),
})
record('client', client_id ~= nil)

local function check(name, file)
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local bufnr = vim.api.nvim_get_current_buf()
  vim.lsp.buf_attach_client(bufnr, client_id)
  local got = vim.wait(15000, function() return ttl_diagnostic(bufnr) ~= nil end, 20)
  record(name .. '.diagnostic', got)
  if not got then return end
  local d = ttl_diagnostic(bufnr)
  -- Neovim converts the server's UTF-16 columns to byte columns of the buffer line.
  record(name .. '.range', string.format('%d:%d-%d:%d', d.lnum, d.col, d.end_lnum, d.end_col))
  record(name .. '.severity', d.severity)
  record(name .. '.source', d.source)

  vim.api.nvim_win_set_cursor(0, { d.lnum + 1, d.col })
  local hover = vim.lsp.buf_request_sync(bufnr, 'textDocument/hover', vim.lsp.util.make_position_params(), 10000)
  local hover_text = ''
  for _, response in pairs(hover or {}) do
    if response.result then hover_text = response.result.contents.value end
  end
  record(name .. '.hover', hover_text:find(TTL, 1, true) ~= nil)

  local before = buffer_text(bufnr)
  vim.lsp.buf.code_action()
  local changed = vim.wait(15000, function() return buffer_text(bufnr) ~= before end, 20)
  record(name .. '.applied', changed)
  -- The edit reaches the server as an incremental change; the error must go away.
  local cleared = vim.wait(15000, function() return ttl_diagnostic(bufnr) == nil end, 20)
  record(name .. '.cleared', cleared)
  local f = assert(io.open(os.getenv('IDPLINT_DIR') .. '/' .. name .. '.after', 'w'))
  f:write(buffer_text(bufnr))
  f:close()
end

local ok, err = pcall(function()
  check('block', os.getenv('IDPLINT_DIR') .. '/block/kratos.yml')
  check('flow', os.getenv('IDPLINT_DIR') .. '/flow/kratos.yml')
  vim.lsp.stop_client(client_id)
  record('stopped', vim.wait(10000, function() return vim.lsp.client_is_stopped(client_id) end, 20))
end)
if not ok then
  record('error', err)
  flush(3)
else
  flush(0)
end
"#;

fn find_nvim() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("nvim"))
        .find(|candidate| candidate.is_file())
}

fn on_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn neovim_receives_diagnostics_and_applies_the_quick_fix() {
    let Some(nvim) = find_nvim() else {
        assert!(
            !on_ci(),
            "nvim is not installed; .ci/run installs Debian's `neovim` package"
        );
        eprintln!("skipped: nvim is not installed (apt-get install neovim)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(&root.join("block/kratos.yml"), KRATOS);
    write(&root.join("flow/kratos.yml"), FLOW);
    write(&root.join("test.lua"), SCRIPT);
    let results = root.join("results.txt");
    let mut child = Command::new(nvim)
        .args(["--headless", "--clean", "-n", "-i", "NONE"])
        .arg("-c")
        .arg(format!("luafile {}", root.join("test.lua").display()))
        .current_dir(root)
        .env("IDPLINT_BIN", env!("CARGO_BIN_EXE_idplint"))
        .env("IDPLINT_DIR", root)
        .env("IDPLINT_OUT", &results)
        // Keep Neovim's state, logs and any user configuration out of the test.
        .env("HOME", root)
        .env("XDG_CONFIG_HOME", root.join("config"))
        .env("XDG_DATA_HOME", root.join("data"))
        .env("XDG_STATE_HOME", root.join("state"))
        .env("XDG_CACHE_HOME", root.join("cache"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start nvim");
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!(
                "nvim did not finish; results so far:\n{}",
                std::fs::read_to_string(&results).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let report = std::fs::read_to_string(&results).unwrap_or_default();
    assert!(status.success(), "nvim failed ({status}):\n{report}");
    let get = |key: &str| -> String {
        report
            .lines()
            .find_map(|line| line.strip_prefix(&format!("{key}=")))
            .unwrap_or_else(|| panic!("no {key} in:\n{report}"))
            .to_string()
    };
    assert_eq!(get("client"), "true");
    for name in ["block", "flow"] {
        assert_eq!(get(&format!("{name}.diagnostic")), "true", "{report}");
        assert_eq!(get(&format!("{name}.severity")), "1", "{report}");
        assert_eq!(get(&format!("{name}.source")), "idplint", "{report}");
        assert_eq!(get(&format!("{name}.hover")), "true", "{report}");
        assert_eq!(get(&format!("{name}.applied")), "true", "{report}");
        assert_eq!(get(&format!("{name}.cleared")), "true", "{report}");
    }
    // Byte columns in the buffer: `message_ttl` at byte 2 of line 3, and at byte 44 of the
    // flow line behind 山田 and 🌸 (UTF-16 column 38 from the server).
    assert_eq!(get("block.range"), "3:2-3:13");
    assert_eq!(get("flow.range"), "1:44-1:55");
    assert_eq!(
        std::fs::read_to_string(root.join("block.after")).unwrap(),
        KRATOS_FIXED
    );
    assert_eq!(
        std::fs::read_to_string(root.join("flow.after")).unwrap(),
        FLOW_FIXED
    );
    assert_eq!(get("stopped"), "true");
}
