// Copies the files tsc does not emit (the .proto contract) next to the
// compiled JavaScript, so dist/ runs on its own: node dist/src/main/mrworker.js
const fs = require('fs');
const path = require('path');

const [from, to] = [process.argv[2] || '.', process.argv[3] || 'dist'];
for (const dir of ['src/mr', 'labs/mr/solution', 'labs/mr/solution-challenge']) {
  const source = path.join(from, dir);
  if (!fs.existsSync(source)) continue;
  for (const name of fs.readdirSync(source)) {
    if (!name.endsWith('.proto')) continue;
    fs.mkdirSync(path.join(to, dir), { recursive: true });
    fs.copyFileSync(path.join(source, name), path.join(to, dir, name));
  }
}
