/** OpenAPI examples of the S3 configuration routes (D18), shared by the route documentation. */

export const EXAMPLE_S3 = {
  enabled: true,
  region: 'us-east-1',
  bucket: 'wharf-media',
  accessKey: 'AKIAIOSFODNN7EXAMPLE',
  endpoint: 'https://minio.example.com',
  pathPrefix: 'media/',
};
