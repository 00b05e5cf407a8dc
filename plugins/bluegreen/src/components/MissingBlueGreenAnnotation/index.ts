export { MissingBlueGreenAnnotation } from './MissingBlueGreenAnnotation';
