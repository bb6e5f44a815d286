export * from "./statement";
export * from "./kinds";
export * from "./bundle";
