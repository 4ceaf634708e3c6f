import { invalidField } from '../../shared/errors.js';

// How far the control plane may move the mirror's clock from the machine's: 100 years either
// way (36 525 days). Ample for any product's life (periods run up to ten years), and every
// time stays a four-digit year that the bigint columns and JavaScript's Date hold: unbounded,
// `{"now":1e20}` was a 500 and `{"advance":"99999999999d"}` the year 273 million.
export const CLOCK_RANGE_DAYS = 36_525;
export const CLOCK_RANGE_SECONDS = CLOCK_RANGE_DAYS * 86_400;

/** Refuses an offset from the machine's time beyond the range, naming the field that asked for it. */
export function checkClockOffset(field: string, offset: number): void {
  // Written so that NaN fails too.
  if (!(offset <= CLOCK_RANGE_SECONDS)) {
    throw invalidField(
      field,
      'max',
      `The mirror's clock stays within ${CLOCK_RANGE_DAYS} days (100 years) of the machine's time: ${field} would take it further ahead`,
    );
  }
  if (!(offset >= -CLOCK_RANGE_SECONDS)) {
    throw invalidField(
      field,
      'min',
      `The mirror's clock stays within ${CLOCK_RANGE_DAYS} days (100 years) of the machine's time: ${field} would take it further back`,
    );
  }
}
