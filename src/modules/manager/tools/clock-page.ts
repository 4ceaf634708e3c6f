import { escapeHtml } from '../../../shared/html.js';
import type { Signed } from '../context.js';
import { inputField, refusal } from '../forms.js';
import { hidden } from '../layout.js';
import type { PlaneAnswer } from './control-plane.js';
import { section } from './page.js';

// The clock's page: the mirror's time, the forms that move it, and what the last move ran.

export interface ClockValues {
  advance: string;
  now: string;
}

/** What PUT /_mirror/clock said it ran, carried to the page in the redirect's query. */
export interface RunCounts {
  renewed: string;
  renewal_failed: string;
  locked: string;
  charged: string;
  declined: string;
}

/** An offset as days, hours and minutes, signed: "+16 d 0 h 0 min". */
function offsetText(signed: Signed, seconds: number) {
  const { t } = signed.speech;
  const size = Math.abs(seconds);
  const d = Math.floor(size / 86_400);
  const h = Math.floor((size % 86_400) / 3600);
  const m = Math.floor((size % 3600) / 60);
  return `${seconds < 0 ? '−' : '+'}${t('time.days', { n: d })} ${t('time.hours', { n: h })} ${t('time.minutes', { n: m })}`;
}

export function clockNow(signed: Signed, clock: { now: number; real_now: number; offset_seconds: number }) {
  const s = signed.speech;
  const line = (label: string, value: string) => `<dt>${escapeHtml(label)}</dt><dd>${escapeHtml(value)}</dd>`;
  return section(
    'clock-now',
    s.t('tools.clock.now_title'),
    `<dl class="facts">${line(s.t('tools.clock.now'), s.when(clock.now))}${line(s.t('tools.clock.real_now'), s.when(clock.real_now))}` +
      `${line(s.t('tools.clock.offset'), offsetText(signed, clock.offset_seconds))}</dl>`,
  );
}

const moveForm = (signed: Signed, action: string, fields: string, label: string) =>
  `<form method="post" action="/manager/tools/clock">${hidden('csrf', signed.frame.csrf)}${hidden('action', action)}` +
  `${fields}<div><button type="submit">${escapeHtml(label)}</button></div></form>`;

export function clockForms(signed: Signed, values: ClockValues, refused: PlaneAnswer | undefined) {
  const { t } = signed.speech;
  const problems = refused?.fields ?? [];
  const advance = inputField({ name: 'advance', label: t('tools.clock.advance'), value: values.advance, problems });
  const now = inputField({
    name: 'now',
    label: t('tools.clock.to'),
    value: values.now,
    problems,
    type: 'datetime-local',
  });
  return section(
    'clock-move',
    t('tools.clock.move_title'),
    refusal(refused, ['advance', 'now']) +
      `<p class="muted">${escapeHtml(t('tools.clock.advance_hint'))}</p>` +
      moveForm(signed, 'advance', advance, t('tools.clock.advance_submit')) +
      moveForm(signed, 'now', now, t('tools.clock.to_submit')) +
      moveForm(signed, 'reset', '', t('tools.clock.reset')),
  );
}

export function clockRun(signed: Signed, run: RunCounts) {
  const { t } = signed.speech;
  const n = (k: keyof RunCounts) => Number(run[k]) || 0;
  const text =
    t('tools.clock.ran', { renewed: n('renewed'), failed: n('renewal_failed'), locked: n('locked') }) +
    ' ' +
    t('tools.clock.charged', { succeeded: n('charged'), failed: n('declined') });
  return section(
    'clock-run',
    t('tools.clock.run_title'),
    `<p class="notice" role="status">${escapeHtml(text)}</p>` +
      `<p><a href="/manager/tools/outbox">${escapeHtml(t('tools.clock.see_outbox'))}</a> · ` +
      `<a href="/manager">${escapeHtml(t('tools.clock.see_organisations'))}</a></p>`,
  );
}
