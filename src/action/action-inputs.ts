import { getInput } from '@actions/core';
import { SETTING_NAMES, type RawSettings } from './settings.js';

/** The workflow's inputs for the shared settings; an empty input counts as not given. */
export function readActionInputs(): RawSettings {
  const raw: RawSettings = {};
  for (const name of SETTING_NAMES) {
    const value = getInput(name);
    if (value.trim() !== '') raw[name] = value;
  }
  return raw;
}

export function readToken(): string {
  return getInput('github-token');
}
