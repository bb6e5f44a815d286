// A local ESLint rule: imports between the project's folders only go down (docs/architecture.md).
// Like VS Code's .eslint-plugin-local/code-layering.ts, it resolves each relative import against the
// importing file and checks the pair of folders against one table, so `shared/evidence` and
// `main/evidence` are never confused the way a name pattern would confuse them.
import { dirname, relative, resolve } from "node:path";

/** The layer a path belongs to: the longest layer name that is a prefix of it. */
function layerOf(path, layers) {
  let best;
  for (const name of layers) if ((path === name || path.startsWith(`${name}/`) || path.startsWith(`${name}.`)) && (!best || name.length > best.length)) best = name;
  return best;
}

export const folderLayers = {
  meta: {
    type: "problem",
    docs: { description: "imports between the project's folders only go down" },
    schema: [{ type: "object", properties: { root: { type: "string" }, layers: { type: "object" } }, required: ["root", "layers"], additionalProperties: false }],
    messages: {
      up: "{{from}} may not import {{to}}: imports only go down ({{from}} may use {{allowed}}). Move the code to the layer it belongs to; see docs/architecture.md.",
    },
  },
  create(context) {
    const { root, layers } = context.options[0];
    const names = Object.keys(layers);
    const file = relative(root, context.filename).split("\\").join("/");
    const from = layerOf(file, names);
    if (!from) return {};
    const allowed = layers[from];
    const check = (node, source) => {
      if (typeof source !== "string" || !source.startsWith(".")) return;
      const target = relative(root, resolve(dirname(context.filename), source)).split("\\").join("/");
      const to = layerOf(target, names);
      if (!to || to === from || allowed.includes(to)) return;
      context.report({ node, messageId: "up", data: { from, to, allowed: allowed.length > 0 ? allowed.join(", ") : "nothing outside itself" } });
    };
    return {
      ImportDeclaration: (node) => check(node.source, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node.source, node.source.value),
      ExportAllDeclaration: (node) => check(node.source, node.source.value),
      ImportExpression: (node) => node.source.type === "Literal" && check(node.source, node.source.value),
    };
  },
};

export default { rules: { "folder-layers": folderLayers } };
