/** The views in the ML Workbench activity-bar container, as contributed in package.json. */
export const VIEW_IDS = ['mlwb.environments', 'mlwb.datasets', 'mlwb.experiments', 'mlwb.models', 'mlwb.pipelines'] as const;
export type ViewId = (typeof VIEW_IDS)[number];
