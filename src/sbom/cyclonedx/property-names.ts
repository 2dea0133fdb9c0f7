/**
 * Names of the CycloneDX properties Bulkhead writes (namespace `bulkhead:`,
 * per the CycloneDX property taxonomy convention). The reader parses the same
 * names back, so the two sides cannot drift.
 */
export const PROP = {
  foundBy: 'bulkhead:foundBy',
  arch: 'bulkhead:arch',
  scope: 'bulkhead:scope',
  confidence: 'bulkhead:confidence',
  distro: 'bulkhead:distro',
  sourceName: 'bulkhead:source:name',
  sourceVersion: 'bulkhead:source:version',
  /** diffId of the layer that introduced the package (its first located file). */
  layer: 'bulkhead:layer',
  layerCreatedBy: 'bulkhead:layer:createdBy',
  /** `bulkhead:location:<n>:path` / `:layer`, one pair per location. */
  locationPrefix: 'bulkhead:location:',
  /** `bulkhead:metadata:<key>`: Package.metadata entries, values as text. */
  metadataPrefix: 'bulkhead:metadata:',
  imageConfigDigest: 'bulkhead:image:configDigest',
  imageManifestDigest: 'bulkhead:image:manifestDigest',
  imageMediaType: 'bulkhead:image:mediaType',
  imageRepoTag: 'bulkhead:image:repoTag',
  imageRepoDigest: 'bulkhead:image:repoDigest',
  imageOs: 'bulkhead:image:os',
  imageArchitecture: 'bulkhead:image:architecture',
  imageVariant: 'bulkhead:image:variant',
  imageCreated: 'bulkhead:image:created',
  imageAuthor: 'bulkhead:image:author',
  imageUser: 'bulkhead:image:user',
  imageWorkingDir: 'bulkhead:image:workingDir',
  /** JSON array of strings, exactly as the image config declares it. */
  imageEntrypoint: 'bulkhead:image:entrypoint',
  imageCmd: 'bulkhead:image:cmd',
  imageExposedPort: 'bulkhead:image:exposedPort',
  imageVolume: 'bulkhead:image:volume',
  imageStopSignal: 'bulkhead:image:stopSignal',
  /** JSON object {test, interval?, timeout?, retries?}. */
  imageHealthcheck: 'bulkhead:image:healthcheck',
  /** `bulkhead:image:label:<key>`. */
  imageLabelPrefix: 'bulkhead:image:label:',
  /** `bulkhead:image:layer:<index>:diffId|digest|createdBy|created|size|mediaType`. */
  imageLayerPrefix: 'bulkhead:image:layer:',
  distroSource: 'bulkhead:distro:source',
  distroCodename: 'bulkhead:distro:versionCodename',
  distroIdLike: 'bulkhead:distro:idLike',
} as const;
