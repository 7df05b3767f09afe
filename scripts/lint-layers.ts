import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

// The layer lint: imports follow the layers of DESIGN.md "Layout".
//   lib          imports nothing of ours (npm packages and node: only)
//   adapters     import lib, harness/types and harness/util only
//   banks/demo   imports lib and harness/util only (the system under test is
//                not built from the client that tests it)
//   reports      import types only from outside reports/
//   harness/run  imports no renderer (reports/)
//   harness      reaches adapters through adapters/registry.ts (and the
//                definition types) only, and an embedded bank through
//                harness/embedded.ts only
// Every import counts: static, `export … from`, dynamic import(). Packages
// (npm, node:) are always allowed. Prints `file:line imports X (rule)` for
// each violation and exits 1 if there is any.

export interface Violation {
  file: string;
  line: number;
  target: string;
  rule: string;
}

interface ImportRef {
  spec: string;
  line: number;
  typeOnly: boolean;
}

interface Rule {
  name: string;
  /** The files the rule governs (repo-relative, '/' separators). */
  from: (file: string) => boolean;
  /** Whether `file` may import `target` (a repo-relative path). */
  allows: (target: string, ref: ImportRef, file: string) => boolean;
}

const under = (dir: string) => (p: string) => p === dir || p.startsWith(`${dir}/`);
const isLib = under('lib');
const isHarnessUtil = under('harness/util');

export const rules: Rule[] = [
  { name: 'lib imports nothing of ours', from: isLib, allows: (t) => isLib(t) },
  {
    name: 'adapters import lib, harness/types and harness/util only',
    from: under('adapters'),
    allows: (t) => under('adapters')(t) || isLib(t) || t === 'harness/types.ts' || isHarnessUtil(t),
  },
  {
    name: 'banks/demo imports lib and harness/util only',
    from: under('banks/demo'),
    allows: (t) => under('banks/demo')(t) || isLib(t) || isHarnessUtil(t),
  },
  { name: 'reports import types only', from: under('reports'), allows: (t, ref) => under('reports')(t) || ref.typeOnly },
  { name: 'harness/run imports no renderer', from: under('harness/run'), allows: (t) => !under('reports')(t) },
  {
    name: 'harness reaches adapters through adapters/registry.ts only',
    from: under('harness'),
    allows: (t) => !under('adapters')(t) || t === 'adapters/registry.ts' || t === 'adapters/types.ts',
  },
  {
    name: 'harness reaches embedded banks through harness/embedded.ts only',
    from: (f) => under('harness')(f) && f !== 'harness/embedded.ts',
    allows: (t) => !under('banks')(t),
  },
];

const SCANNED = ['lib', 'adapters', 'banks', 'reports', 'harness'];

function sourceFiles(root: string, dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(join(root, dir));
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    if (name === 'node_modules') return [];
    const rel = `${dir}/${name}`;
    if (statSync(join(root, rel)).isDirectory()) return sourceFiles(root, rel);
    return /\.(ts|tsx|mts|js|mjs)$/.test(name) ? [rel] : [];
  });
}

/** Every import of a source file, with its line and whether it brings in types only. */
export function importsOf(text: string, fileName = 'x.ts'): ImportRef[] {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const refs: ImportRef[] = [];
  const lineOf = (node: ts.Node) => sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings : undefined;
      const typeOnly = Boolean(clause && (clause.isTypeOnly || (!clause.name && named && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly))));
      refs.push({ spec: node.moduleSpecifier.text, line: lineOf(node), typeOnly });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const named = node.exportClause && ts.isNamedExports(node.exportClause) ? node.exportClause : undefined;
      const typeOnly = node.isTypeOnly || Boolean(named && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly));
      refs.push({ spec: node.moduleSpecifier.text, line: lineOf(node), typeOnly });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteralLike(node.arguments[0])) {
      refs.push({ spec: node.arguments[0].text, line: lineOf(node), typeOnly: false });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      refs.push({ spec: node.argument.literal.text, line: lineOf(node), typeOnly: true });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return refs;
}

/** The layer violations under `root` (a checkout of the repository). */
export function lintLayers(root: string): Violation[] {
  const violations: Violation[] = [];
  const files = SCANNED.flatMap((d) => sourceFiles(root, d)).sort();
  for (const file of files) {
    const governing = rules.filter((r) => r.from(file));
    if (governing.length === 0) continue;
    for (const ref of importsOf(readFileSync(join(root, file), 'utf8'), file)) {
      let target: string;
      if (ref.spec.startsWith('.')) {
        target = posix.normalize(posix.join(posix.dirname(file), ref.spec));
      } else if (ref.spec === 'harness' || ref.spec.startsWith('harness/')) {
        target = ref.spec.slice('harness/'.length) || 'harness'; // the package importing itself by name
      } else {
        continue; // npm packages and node: builtins
      }
      if (target.startsWith('..')) {
        violations.push({ file, line: ref.line, target: ref.spec, rule: 'imports stay inside the repository' });
        continue;
      }
      for (const rule of governing) {
        if (!rule.allows(target, ref, file)) violations.push({ file, line: ref.line, target, rule: rule.name });
      }
    }
  }
  return violations;
}

export function formatViolation(v: Violation): string {
  return `${v.file}:${v.line} imports ${v.target} (${v.rule})`;
}

function main(): number {
  const root = resolve(process.argv[2] ?? resolve(dirname(fileURLToPath(import.meta.url)), '..'));
  const violations = lintLayers(root);
  for (const v of violations) console.log(formatViolation(v));
  if (violations.length > 0) {
    console.log(`\n${violations.length} layer violation(s) (the layers: DESIGN.md "Layout")`);
    return 1;
  }
  console.log(`layers: no violations (${relative(process.cwd(), root).split(sep).join('/') || '.'})`);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = main();
