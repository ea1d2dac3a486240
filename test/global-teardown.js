// Removes the test run's TMPDIR (see global-setup.js).
const fs = require('fs');

module.exports = async () => {
  const dir = process.env.MR_LAB_TEST_TMPDIR;
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
};
