import { fieldError, type FieldError } from './errors.js';

// The one rule a new password must meet, wherever it is chosen (sign-up, profile change):
// at least 8 characters, with letters and digits.
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;
const STRONG_ENOUGH = /^(?=.*[A-Za-z])(?=.*\d).+$/;

/** The field error for a password that breaks the rule; undefined when it is good enough. */
export function passwordPolicyError(password: string, attribute = 'password'): FieldError | undefined {
  if (password.length < PASSWORD_MIN_LENGTH) {
    return fieldError(attribute, 'min', `The password must have at least ${PASSWORD_MIN_LENGTH} characters`);
  }
  if (!STRONG_ENOUGH.test(password))
    return fieldError(attribute, 'regex', 'The password must contain letters and digits');
  return undefined;
}
