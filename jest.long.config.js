/** `npm run test:long`: only the suites that `npm test` leaves out (see LONG_SUITES). */
import base, { LONG_SUITES } from './jest.config.js'

export default {
  ...base,
  testMatch: LONG_SUITES.map((file) => `**/__tests__/${file}`),
  testPathIgnorePatterns: ['/node_modules/']
}
