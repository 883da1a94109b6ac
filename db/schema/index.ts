export * from "./common";
export * from "./tenants";
export * from "./users";
export * from "./tickets";
export * from "./media";
export * from "./audit";
export * from "./jobs";
export * from "./verification";
