/** The headless browser of the device simulator, under the name the tests use. */
export { HeadlessBrowser as UserAgent, formAction, hiddenField } from '../../src/device-simulator/oauth/headless-browser.js';
