// Types of serialport's binding layer, written out here: serialport's @serialport/bindings-interface
// has an "exports" map without types, so under our bundler module resolution its types come out as
// `any`. These mirror its PortInfo and the part of BindingInterface the scanner room uses.

/** One serial port as the OS lists it. Ids are hex strings as the platform gives them. */
export interface PortInfo {
  path: string;
  manufacturer?: string | undefined;
  serialNumber?: string | undefined;
  pnpId?: string | undefined;
  locationId?: string | undefined;
  vendorId?: string | undefined;
  productId?: string | undefined;
}

/** A serialport binding (the platform's, or MockBinding in unit tests). */
export interface SerialBinding {
  list(): Promise<PortInfo[]>;
  open(options: object): Promise<unknown>;
}
