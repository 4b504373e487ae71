export { GET } from '../../../../institution/live/[id]/attendance.xlsx/+server.ts';
