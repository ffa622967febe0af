import { randomUUID } from 'node:crypto';
import { error, notice, setFailed, warning, type AnnotationProperties } from '@actions/core';
import type { Annotation, AnnotationCounts, AnnotationLevel } from '../report/annotations.js';
import { plainText } from '../report/escape.js';
import { workflowLogText } from '../report/workflow-escape.js';
import { inputWording } from './input-names.js';

/** GitHub shows at most this many annotations of each level per step; more are dropped silently. */
export const ANNOTATIONS_PER_LEVEL = 10;

const EMIT: Record<AnnotationLevel, (m: string, p?: AnnotationProperties) => void> = {
  error,
  warning,
  notice,
};

/**
 * Everything the action writes to the log. Text is never written raw: config text could otherwise hold
 * workflow commands. Annotations are counted against GitHub's per-step limits so that none is dropped
 * unseen; an operational warning past the limit becomes a plain log line. CLI flag names in any of it
 * are written as the action's inputs.
 */
export class ActionLog {
  private readonly used: AnnotationCounts = { error: 0, warning: 0, notice: 0 };

  constructor(private readonly write: (s: string) => void = (s) => process.stdout.write(s)) {}

  info(text: string): void {
    this.write(`${workflowLogText(inputWording(text))}\n`);
  }

  /**
   * Untrusted text in bulk (the text report): neutralised line by line, and between stop-commands
   * markers whose token is random, so nothing in it can end the pause.
   */
  untrusted(text: string): void {
    const token = randomUUID();
    this.write(`::stop-commands::${token}\n`);
    this.write(`${workflowLogText(inputWording(text).replace(/\n$/, ''))}\n`);
    this.write(`::${token}::\n`);
  }

  /** How many more annotations of a level GitHub will show, keeping `reserve` back. */
  room(level: AnnotationLevel, reserve = 0): number {
    return Math.max(0, ANNOTATIONS_PER_LEVEL - reserve - this.used[level]);
  }

  annotate(level: AnnotationLevel, message: string, properties?: AnnotationProperties): void {
    this.used[level]++;
    EMIT[level](plainText(inputWording(message)), properties);
  }

  emit(a: Annotation, file: string): void {
    this.annotate(a.level, a.message, { title: a.title, file, startLine: a.line });
  }

  warn(message: string): void {
    if (this.room('warning') > 0) this.annotate('warning', message);
    else this.info(`Warning: ${message}`);
  }

  /** setFailed's own error annotation counts against the limit too. */
  fail(message: string): void {
    this.used.error++;
    setFailed(plainText(inputWording(message)));
  }
}
