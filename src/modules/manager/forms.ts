import { escapeHtml } from '../../shared/html.js';
import type { Answer, FieldProblem } from './api-client.js';
import type { Speech } from './i18n.js';

// The pieces of the console's forms: fields with their label and, under them, the API's own
// validation message for that field; the page's alert for an error that names no field.

export interface Option {
  value: string | number;
  label: string;
}

const problemOf = (problems: FieldProblem[], name: string) => problems.find((p) => p.attribute === name);

function describedBy(id: string, problem: FieldProblem | undefined) {
  return problem ? ` aria-invalid="true" aria-describedby="${id}-error"` : '';
}

function problemText(id: string, problem: FieldProblem | undefined) {
  return problem ? `<p class="field-error" id="${id}-error">${escapeHtml(problem.description)}</p>` : '';
}

export function selectField(o: {
  name: string;
  label: string;
  options: Option[];
  selected: string | number | undefined;
  problems: FieldProblem[];
}): string {
  const id = `f-${o.name}`;
  const problem = problemOf(o.problems, o.name);
  const options = o.options
    .map(
      (x) =>
        `<option value="${escapeHtml(String(x.value))}"${String(x.value) === String(o.selected) ? ' selected' : ''}>${escapeHtml(x.label)}</option>`,
    )
    .join('');
  return (
    `<label for="${id}">${escapeHtml(o.label)}</label>` +
    `<select id="${id}" name="${o.name}"${describedBy(id, problem)}>${options}</select>${problemText(id, problem)}`
  );
}

export function inputField(o: {
  name: string;
  label: string;
  value: string | number | undefined;
  problems: FieldProblem[];
  type?: string;
  extra?: string;
}): string {
  const id = `f-${o.name}`;
  const problem = problemOf(o.problems, o.name);
  return (
    `<label for="${id}">${escapeHtml(o.label)}</label>` +
    `<input id="${id}" name="${o.name}" type="${o.type ?? 'text'}" value="${escapeHtml(String(o.value ?? ''))}"${o.extra ?? ''}${describedBy(id, problem)}>` +
    problemText(id, problem)
  );
}

/** The alert of a refused change: the API's description, and the messages of fields the form does not show. */
export function refusal(answer: Answer<unknown> | undefined, shown: readonly string[] = []): string {
  if (!answer || answer.ok) return '';
  const others = answer.fields.filter((f) => !shown.includes(f.attribute));
  const details = others.map((f) => `<li>${escapeHtml(`${f.attribute}: ${f.description}`)}</li>`).join('');
  return (
    `<div class="alert" role="alert"><p>${escapeHtml(answer.error?.description ?? String(answer.status))}</p>` +
    (details ? `<ul>${details}</ul>` : '') +
    '</div>'
  );
}

export const notice = (s: Speech, shown: boolean) =>
  shown ? `<p class="notice" role="status">${escapeHtml(s.t('form.saved'))}</p>` : '';
