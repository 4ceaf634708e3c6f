// The people who sign in: other modules find the user a sign-in names with `signsInAs`.
export { signsInAs } from './people.repository.js';
