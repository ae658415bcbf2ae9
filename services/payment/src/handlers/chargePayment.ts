export const handler = async (e: { orderId: string }) => ({ charged: e.orderId });
