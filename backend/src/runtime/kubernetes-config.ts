import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** `mlwb server --kubernetes-config FILE`: where and how environments run on the cluster. */
export const KubernetesConfigFile = z.strictObject({
  nodeSelector: z.record(z.string(), z.string()).optional(),
  tolerations: z
    .array(
      z.strictObject({
        key: z.string().optional(),
        operator: z.enum(['Exists', 'Equal']).optional(),
        value: z.string().optional(),
        effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']).optional(),
        tolerationSeconds: z.number().int().optional(),
      }),
    )
    .optional(),
  storageClassName: z.string().optional(),
  workspaceSize: z.string().regex(/^\d+(Ki|Mi|Gi|Ti)$/, 'must be a size like "10Gi"').optional(),
  tmpSizeLimit: z.string().regex(/^\d+(Ki|Mi|Gi|Ti)$/, 'must be a size like "1Gi"').optional(),
  imagePullSecrets: z.array(z.string()).optional(),
});
export type KubernetesConfigFile = z.infer<typeof KubernetesConfigFile>;

export function readKubernetesConfig(file: string): KubernetesConfigFile {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: not readable JSON (${(err as Error).message})`);
  }
  const parsed = KubernetesConfigFile.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file}: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
  }
  return parsed.data;
}
