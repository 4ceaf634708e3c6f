// People: the user rows and their main e-mail address. No routes of its own (the profile
// module serves them); sign-up, invitation acceptance, the first start and the seed create
// people through here.
export { insertPerson, type NewPerson } from './people.repository.js';
