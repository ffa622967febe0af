import { InputError } from '../../input/input-error.js';

/** One non-blank, non-comment line of an ASA configuration, split into words. */
export interface ConfigLine {
  /** 1-based line number in the file. */
  line: number;
  /** Leading white space, in characters: 0 for a top-level command, more for a sub-command. */
  indent: number;
  words: readonly string[];
}

/** A top-level command with the indented sub-commands that follow it (its configuration mode). */
export interface ConfigCommand extends ConfigLine {
  children: ConfigLine[];
}

/** The file as commands, plus what the reader needs about its frame (`: Saved` ... `: end`). */
export interface ConfigText {
  path: string;
  commands: ConfigCommand[];
  /** The last line of the file that holds anything. */
  lastLine: number;
}

/**
 * Splits a `show running-config` text into commands. The ASA prints each configuration mode as its command
 * at column 0 followed by its sub-commands indented by one space (or more, for nested modes); `!` lines
 * are separators and `:` lines comments (`: Saved`, `: Hardware ...`, `: end`). See "Cisco ASA Series
 * General Operations CLI Configuration Guide", chapter "Using the Command-Line Interface", "Command Syntax
 * Conventions" and "show running-config" output.
 */
export function splitConfig(path: string, text: string): ConfigText {
  const commands: ConfigCommand[] = [];
  const lines = text.split('\n');
  let lastLine = 0;
  let saved = false;
  let ended = false;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.replace(/\r$/, '');
    const lineNo = i + 1;
    const trimmed = raw.trim();
    if (trimmed === '') continue;
    lastLine = lineNo;
    if (/^:\s*Saved\b/.test(trimmed)) saved = true;
    if (trimmed.includes('More') && /<-+ *More *-+>|^--More--/.test(trimmed)) {
      throw new InputError(
        path,
        lineNo,
        'the terminal pager prompt "<--- More --->" is in the file, so lines are missing; capture the configuration with "terminal pager 0" first (or use "more system:running-config")',
      );
    }
    if (trimmed.startsWith('!')) continue;
    if (trimmed.startsWith(':')) {
      if (/^:\s*end\s*$/.test(trimmed)) ended = true;
      continue;
    }
    // The CLI prompt copied along with the output ("fw# ") is not configuration.
    if (ended && /^\S+[#>]$/.test(trimmed)) continue;
    if (ended) {
      throw new InputError(
        path,
        lineNo,
        'configuration text after ": end"; expected one ASA configuration per file',
      );
    }
    const indent = raw.length - raw.trimStart().length;
    const words = trimmed.split(/\s+/);
    if (indent === 0) {
      commands.push({ line: lineNo, indent, words, children: [] });
      continue;
    }
    const parent = commands[commands.length - 1];
    if (!parent) {
      throw new InputError(
        path,
        lineNo,
        `indented line "${words[0]}" before any command; expected a top-level command at column 0`,
      );
    }
    parent.children.push({ line: lineNo, indent, words });
  }
  if (saved && !ended) {
    throw new InputError(
      path,
      lastLine,
      'the file is truncated: a saved ASA configuration that starts with ": Saved" ends with ": end", which is missing',
    );
  }
  return { path, commands, lastLine };
}

/** An InputError at a config line. */
export function lineError(path: string, at: { line: number }, message: string): InputError {
  return new InputError(path, at.line, message);
}
