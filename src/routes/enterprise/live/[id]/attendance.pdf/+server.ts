export { GET } from '../../../../institution/live/[id]/attendance.pdf/+server.ts';
