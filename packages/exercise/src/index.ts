// pnpm exercise as a library, for the stages' tests: find an exercise, build its patched copy.
export { buildExercise, buildExercises, findExercise, findExercises, type BuiltExercise, type Exercise } from './exercises.js';
