// Every test run gets its own TMPDIR: kept artifacts of the failing graders
// the tests run on purpose (the skeleton, the zoo) land there, and
// global-teardown.js removes it, so a test run leaves nothing in /tmp.
const fs = require('fs');
const os = require('os');
const path = require('path');

module.exports = async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mr-lab-tests-'));
  fs.chmodSync(dir, 0o755); // bulk grading's student user ids pass through it
  process.env.MR_LAB_TEST_TMPDIR = dir;
  process.env.TMPDIR = dir;
};
