// The people who sign in: creating one (sign-up, invitation acceptance, the first start, the
// seed) and finding the one a sign-in names. The module has no routes of its own.
export { people, signsInAs, type NewPerson } from './people.repository.js';
