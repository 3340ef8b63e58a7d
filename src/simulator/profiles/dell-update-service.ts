/**
 * The iDRAC UpdateService per firmware generation.
 * - iDRAC 9 (4.x+; fixture update-services/updateservice_with_multipart.json): SimpleUpdate with
 *   Immediate/OnReset and HTTP, HTTPS, NFS, CIFS, TFTP (HTTPS and the shares since 5.00: Dell
 *   iDRAC-Redfish-Scripting issue #172), MultipartHttpPushUri, HttpPushUri on the
 *   FirmwareInventory collection, MaxImageSizeBytes null, Oem DellUpdateService.Install.
 * - iDRAC 8 (2.60+, the first 13G release with Redfish updates: iDRAC-Redfish-Scripting issues #4
 *   and #19): no MultipartHttpPushUri; HttpPushUri on the FirmwareInventory collection, whose
 *   upload wants a multipart `file` part and If-Match with the collection's ETag (issue #32);
 *   SimpleUpdate installs only what was uploaded (ImageURI = the Available- member,
 *   DeviceFirmwareSimpleUpdateREDFISH.py) and lists no HTTP TransferProtocol, which is why Dell's
 *   own Ansible redfish_firmware module refuses HTTP on iDRAC 8 2.60 (dellemc-openmanage-ansible-
 *   modules issue #286); no @Redfish.OperationApplyTimeSupport.
 */
import type { Json } from '../resource-tree.ts';
import { link, ROOT } from './common.ts';

/** The generations the Dell profile simulates. */
export type IdracGeneration = 'idrac8' | 'idrac9';

const ctx = { '@odata.context': `${ROOT}/$metadata#UpdateService.UpdateService` };

function dellInstall(): Json {
  return {
    '#DellUpdateService.v1_1_0.DellUpdateService.Install': {
      'InstallUpon@Redfish.AllowableValues': ['Now', 'NowAndReboot', 'NextReboot'],
      target: `${ROOT}/UpdateService/Actions/Oem/DellUpdateService.Install`,
    },
  };
}

/** The UpdateService body of one iDRAC generation. */
export function dellUpdateService(generation: IdracGeneration): Json {
  const common: Json = {
    ...ctx,
    Id: 'UpdateService',
    Name: 'Update Service',
    Description: 'Represents the properties for the Update Service',
    ServiceEnabled: true,
    Status: { Health: 'OK', State: 'Enabled' },
    FirmwareInventory: link(`${ROOT}/UpdateService/FirmwareInventory`),
    // iDRAC quirk: the push URI is the FirmwareInventory collection itself (POST uploads an image
    // that appears as an Available- member).
    HttpPushUri: `${ROOT}/UpdateService/FirmwareInventory`,
  };
  if (generation === 'idrac8') {
    return {
      ...common,
      '@odata.type': '#UpdateService.v1_0_0.UpdateService',
      Actions: {
        '#UpdateService.SimpleUpdate': {
          'TransferProtocol@Redfish.AllowableValues': [],
          target: `${ROOT}/UpdateService/Actions/UpdateService.SimpleUpdate`,
        },
        Oem: dellInstall(),
      },
    };
  }
  return {
    ...common,
    '@odata.type': '#UpdateService.v1_8_0.UpdateService',
    SoftwareInventory: link(`${ROOT}/UpdateService/SoftwareInventory`),
    MultipartHttpPushUri: `${ROOT}/UpdateService/MultipartUpload`,
    MaxImageSizeBytes: null,
    Actions: {
      '#UpdateService.SimpleUpdate': {
        '@Redfish.OperationApplyTimeSupport': {
          '@odata.type': '#Settings.v1_3_0.OperationApplyTimeSupport',
          SupportedValues: ['Immediate', 'OnReset'],
        },
        'TransferProtocol@Redfish.AllowableValues': ['HTTP', 'NFS', 'CIFS', 'TFTP', 'HTTPS'],
        target: `${ROOT}/UpdateService/Actions/UpdateService.SimpleUpdate`,
      },
      Oem: dellInstall(),
    },
  };
}
