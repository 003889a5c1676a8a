import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['dist/**', 'lib/**', 'coverage/**', '.demo/**', '.stryker-tmp/**', 'reports/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        console: 'readonly',
        process: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        URL: 'readonly',
        Buffer: 'readonly'
      }
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }
      ]
    }
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/aws/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['@aws-sdk/*', '@smithy/*'] }]
    }
  },
  {
    // the domain knows nothing of GitHub or AWS; only aws/ imports the SDK
    files: ['src/rollout/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['@actions/*', '@aws-sdk/*', '../aws/*', '../main*', '../report/*'] }
      ]
    }
  }
)
